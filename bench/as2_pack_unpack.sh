#!/usr/bin/env bash
# AS2 pack + unpack on one core (docs/benchmarks.md, "AS2 pack and unpack"): throwaway
# RSA-2048 sender and receiver (openssl), then, pinned to one CPU with taskset, RUNS
# alternations of as2_pack_unpack (10 KiB EDI-like payload, compressed, signed SHA-256,
# AES-256-CBC and AES-256-GCM at zlib's default level 6, and AES-256-CBC at level 1;
# signed MDN requested; unpacked and checked) and
# `openssl speed -seconds 10 rsa2048` (one process). A message needs two RSA private-key
# operations: the signature in pack and the key transport decryption in unpack, so
# sign/s / 2 is the RSA-bound message rate. `openssl speed` divides by its CPU time, so
# the ratio uses as2_pack_unpack's messages per CPU second too (wall-clock msg/s is
# printed beside it; on a shared machine it also counts other processes' turns). Best of
# RUNS for each.
#   BUILD=build CPU=1 SECONDS_PER_RUN=10 RUNS=3 bench/as2_pack_unpack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
cpu=${CPU:-$(($(nproc) - 1))}
seconds=${SECONDS_PER_RUN:-10}
runs=${RUNS:-3}
bench=$build/bench/as2_pack_unpack
[ -x "$bench" ] || { echo "build it first: cmake --build $build --target as2_pack_unpack" >&2; exit 2; }
work=$(mktemp -d /tmp/as2-pack-unpack-XXXXXX)
trap 'rm -rf "$work"' EXIT

for who in sender receiver; do
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=BENCH ${who^^}" \
    -keyout "$work/$who.key" -out "$work/$who.crt" 2>/dev/null
done

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(openssl version); pinned to CPU $cpu"
best_sign=0
cases="cbc:6 gcm:6 cbc:1"
declare -A best_rate=() best_line=()
for run in $(seq "$runs"); do
  for case in $cases; do
    cipher=${case%:*}
    level=${case#*:}
    line=$(taskset -c "$cpu" "$bench" --sender-key "$work/sender.key" --sender-cert "$work/sender.crt" \
      --receiver-key "$work/receiver.key" --receiver-cert "$work/receiver.crt" --cipher "$cipher" --level "$level" \
      --seconds "$seconds")
    echo "run $run: $line load $(load)"
    rate=$(sed -n 's/.*msg_per_cpu_s=\([0-9.]*\).*/\1/p' <<<"$line")
    if awk -v a="$rate" -v b="${best_rate[$case]:-0}" 'BEGIN {exit !(a > b)}'; then
      best_rate[$case]=$rate
      best_line[$case]=$line
    fi
  done
  sign=$(taskset -c "$cpu" openssl speed -seconds 10 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $6}' | tail -1)
  echo "run $run: openssl speed rsa2048: $sign sign/s load $(load)"
  if awk -v a="$sign" -v b="$best_sign" 'BEGIN {exit !(a > b)}'; then best_sign=$sign; fi
done

bound=$(awk -v s="$best_sign" 'BEGIN {printf "%.1f", s / 2}')
echo "best of $runs: openssl speed rsa2048 $best_sign sign/s; RSA-bound rate (2 private-key operations per message) $bound msg/s"
for case in $cases; do
  echo "best of $runs: ${best_line[$case]}"
  awk -v r="${best_rate[$case]}" -v b="$bound" -v c="aes-256-${case%:*}, zlib level ${case#*:}" \
    'BEGIN {printf "%s: %.1f msg per CPU second = %.1f%% of the RSA-bound rate (target 60%%: %s)\n", c, r, 100 * r / b, (r >= 0.6 * b ? "met" : "not met")}'
done
