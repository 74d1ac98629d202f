#!/usr/bin/env bash
# Station A sending through its outbox to station B on this machine (docs/benchmarks.md,
# "Sending"): two as2d processes on 127.0.0.1 with their stores and folders under /tmp,
# throwaway RSA-2048 identities, distinct 10 KiB files (signed SHA-256, AES-256-CBC,
# signed synchronous MDN). FILES files are dropped into A's outbox at once (written
# elsewhere, renamed in); the clock runs until the last one is in sent/ with its MDN.
# Prints messages per second and checks every file arrived at B byte for byte.
#   BUILD=build FILES=2000 bench/as2_outbox.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
files=${FILES:-2000}
as2d=$build/as2d/as2d
[ -x "$as2d" ] || { echo "build as2d first: cmake --build $build --target as2d" >&2; exit 2; }
work=$(mktemp -d /tmp/as2-outbox-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
for who in a b; do
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=BENCH ${who^^}" -keyout "$who.key" -out "$who.crt" 2>/dev/null
done
port_of() {  # the port as2d logged in daemon_started
  for _ in $(seq 100); do
    port=$(sed -n 's/.*"name":"daemon_started".*"port":\([0-9]*\).*/\1/p' "$1" 2>/dev/null || true)
    [ -n "$port" ] && { echo "$port"; return; }
    sleep 0.1
  done
  echo "as2d did not start ($1)" >&2; exit 1
}
cat >b.ini <<INI
[station]
as2_id = BENCH_B
key = b.key
cert = b.crt
listen = 127.0.0.1:0
data_dir = b-data
log_file = b.log
[partner.a]
as2_id = BENCH_A
cert = a.crt
INI
"$OLDPWD/$as2d" --config b.ini & pids+=($!)
b_port=$(port_of b.log)
cat >a.ini <<INI
[station]
as2_id = BENCH_A
key = a.key
cert = a.crt
listen = 127.0.0.1:0
data_dir = a-data
log_file = a.log
outbox_poll = 1
[partner.b]
as2_id = BENCH_B
cert = b.crt
url = http://127.0.0.1:$b_port/as2
outbox_stable = 0
INI
"$OLDPWD/$as2d" --config a.ini & pids+=($!)
port_of a.log >/dev/null
mkdir -p staging a-data/outbox/b
for i in $(seq "$files"); do head -c 10240 /dev/urandom >"staging/f$i.edi"; done
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $files files of 10 KiB"
start=$(date +%s.%N)
mv staging/*.edi a-data/outbox/b/
while [ "$(find a-data/outbox/b/sent -name '*.edi.mdn' 2>/dev/null | wc -l)" -lt "$files" ]; do
  sleep 0.05
  [ -z "$(ls a-data/outbox/b/failed 2>/dev/null)" ] || { echo "failed: $(ls a-data/outbox/b/failed | head)" >&2; exit 1; }
done
end=$(date +%s.%N)
for f in a-data/outbox/b/sent/*.edi; do cmp -s "$f" "b-data/inbox/a/$(basename "$f")" || { echo "differs: $f" >&2; exit 1; }; done
awk -v n="$files" -v s="$start" -v e="$end" 'BEGIN {printf "outbox A -> B: %d messages in %.1f s = %.0f msg/s (sync signed MDNs, all compared)\n", n, e - s, n / (e - s)}'
for who in a b; do
  pid=${pids[$([ $who = b ] && echo 0 || echo 1)]}
  echo "as2d $who: peak RSS $(sed -n 's/^VmHWM:\s*//p' /proc/$pid/status), CPU $(awk -v t="$(getconf CLK_TCK)" '{printf "%.1f s", ($14 + $15) / t}' /proc/$pid/stat)"
done
