#!/usr/bin/env bash
# as2d under load (docs/benchmarks.md, "as2d"): a throwaway station and partner (openssl
# certificates, RSA-2048), as2d on 127.0.0.1 with its SQLite store and inbox on the local
# disk, then as2d_load with 1 and 16 connections for SECONDS_PER_RUN each (distinct 10 KiB
# messages, signed SHA-256, AES-256-CBC, signed sync MDN), and beside it `openssl speed
# rsa2048` on both cores: every message costs two RSA private-key operations (the key
# transport and the MDN signature), so sign/s / 2 is the RSA-bound message rate.
# CONNECTION_COUNTS="16" runs only the 16-connection part.
#   BUILD=build SECONDS_PER_RUN=20 MESSAGES=8000 bench/as2d_load.sh
# TMPDIR chooses where the station's directory goes (default /tmp); AS2D another binary
# (a "before" build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
seconds=${SECONDS_PER_RUN:-20}
messages=${MESSAGES:-8000}
as2d=${AS2D:-$build/as2d/as2d}
load=$build/bench/as2d_load
[ -x "$as2d" ] && [ -x "$load" ] || { echo "build as2d and as2d_load first: cmake --build $build --target as2d as2d_load" >&2; exit 2; }
. bench/as2d_station.sh
bench_workdir as2d-load
bench_certs BENCH
bench_ini "max_connections = 32"
start_as2d "$as2d" "$work/as2d.ini"

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data_dir: $work/data on $(df -T "$work" | awk 'NR == 2 {print $2}')"
total=0
rate16=0
load_ms16=0
for c in ${CONNECTION_COUNTS:-1 16}; do
  line=$("$load" --port "$port" --partner-key "$work/partner.key" --partner-cert "$work/partner.crt" \
    --station-cert "$work/station.crt" --connections "$c" --seconds "$seconds" --messages "$messages")
  echo "$line"
  total=$((total + $(sed -n 's/.* messages=\([0-9]*\) .*/\1/p' <<<"$line")))
  rate16=$(sed -n 's/.* msg_per_s=\([0-9.]*\) .*/\1/p' <<<"$line")
  load_ms16=$(sed -n 's/.* load_cpu_ms_per_msg=\([0-9.]*\).*/\1/p' <<<"$line")
done
as2d_ms=$(awk -v t="$(getconf CLK_TCK)" '{printf "%.3f", 1000 * ($14 + $15) / t / '"$total"'}' /proc/$pid/stat)
awk -v t="$(getconf CLK_TCK)" -v n="$total" -v rss="$(sed -n 's/^VmHWM:\s*//p' /proc/$pid/status)" \
  '{printf "as2d peak RSS: %s, CPU time: user %.1f s + system %.1f s = %.2f ms per message (%d messages)\n", rss, $14 / t, $15 / t, 1000 * ($14 + $15) / t / n, n}' /proc/$pid/stat
echo "as2d context switches per message: $(cat /proc/$pid/task/*/status | awk -v n="$total" '/^voluntary_ctxt_switches/ {v += $2} /^nonvoluntary_ctxt_switches/ {i += $2} END {printf "%.1f voluntary, %.1f involuntary", v / n, i / n}')"
stop_as2d

sign=$(openssl speed -seconds 10 -multi "$(nproc)" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $6}' | tail -1)
echo "openssl speed rsa2048, $(nproc) processes: $sign sign/s; RSA-bound AS2 rate (2 private-key operations per message): $(awk -v s="$sign" 'BEGIN {printf "%.0f", s / 2}') msg/s"
echo "as2d with 16 connections: $(awk -v r="$rate16" -v s="$sign" 'BEGIN {printf "%.0f%%", 100 * r / (s / 2)}') of the RSA-bound rate (target: 50%)"
# The same from CPU time (openssl speed's rate is per CPU second too): what the cores would
# carry at this run's CPU cost per message if as2d and the generator had them to
# themselves. The requirement's figure is the measured rate above.
awk -v a="$as2d_ms" -v g="$load_ms16" -v s="$sign" -v n="$(nproc)" 'BEGIN {
  r = n * 1000 / (a + g)
  printf "CPU time: as2d %.3f + generator %.3f = %.3f ms per message; %d cores to themselves: %.0f msg/s, %.0f%% of the RSA-bound rate\n", a, g, a + g, n, r, 100 * r / (s / 2) }'
# CPU time in units of one signature of the openssl run (per process): on a shared
# virtual machine the CPU time of identical runs moves by 10% with the host, and this
# ratio moves less. 50% of the RSA-bound rate leaves as2d and the generator 4.0 of them.
# As in the line above, as2d's figure covers every run of this script (the 1-connection
# one costs more per message); CONNECTION_COUNTS=16 gives the 16-connection figure alone.
awk -v a="$as2d_ms" -v g="$load_ms16" -v s="$sign" -v n="$(nproc)" 'BEGIN {
  u = 1000 * n / s
  printf "CPU time in signatures (%.3f ms each): as2d %.2f + generator %.2f = %.2f per message (50%% of the RSA-bound rate: 4.00)\n", u, a / u, g / u, (a + g) / u }'
echo "stored: $(ls "$work/data/inbox/bench" | wc -l) files; load now $(cut -d' ' -f1-3 /proc/loadavg)"
