#!/usr/bin/env bash
# as2d under an idle-connection flood (docs/reliability.md, "Faults and load"): a throwaway
# station and partner, as2d on 127.0.0.1 with its default limits (16 handlers,
# max_idle_connections 4096, max_connections_per_address 64; idle_timeout 120 s, so that
# the flood stays for the whole run), then as2d_load with
# CONNECTIONS senders for SECONDS_PER_RUN: once quiet, once while as2d_idle holds IDLE
# connections that never send a byte from ADDRESSES loopback addresses (127.0.0.2 on). The
# difference is what the flood costs a well-behaved partner (p50/p99 latency, messages/s).
#   BUILD=build SECONDS_PER_RUN=10 IDLE=5000 ADDRESSES=100 CONNECTIONS=4 MESSAGES=12000 bench/as2d_idle_flood.sh
# AS2D: another binary (a "before" build: the same figures against it).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
seconds=${SECONDS_PER_RUN:-10}
idle=${IDLE:-5000}
addresses=${ADDRESSES:-100}
connections=${CONNECTIONS:-4}
messages=${MESSAGES:-12000}
as2d=${AS2D:-$build/as2d/as2d}
load=$build/bench/as2d_load
flood=$build/bench/as2d_idle
[ -x "$as2d" ] && [ -x "$load" ] && [ -x "$flood" ] || {
  echo "build first: cmake --build $build --target as2d as2d_load as2d_idle" >&2
  exit 2
}
. bench/as2d_station.sh
bench_workdir as2d-idle
bench_certs BENCH
bench_ini "idle_timeout = 120"
# A build from before the gate does not know idle_timeout (its idle connections hold a
# handler until read_timeout instead).
"$as2d" --check-config "$work/as2d.ini" >/dev/null 2>&1 || sed -i '/^idle_timeout/d' "$work/as2d.ini"
start_as2d "$as2d" "$work/as2d.ini"
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); as2d: $as2d"
# One run of the well-behaved sender; its complaints (one line per failed message) are
# counted, not printed.
send() {
  local status=0
  "$load" --port "$port" --partner-key "$work/partner.key" --partner-cert "$work/partner.crt" \
    --station-cert "$work/station.crt" --connections "$connections" --seconds "$seconds" --messages "$messages" \
    --size 2048 2>"$work/load.err" || status=$?
  [ "$status" = 0 ] || echo " (as2d_load exit $status; $(grep -vc '^packing' "$work/load.err") error lines, the first: $(grep -vm1 '^packing' "$work/load.err"))"
}
echo "quiet:  $(send)"
: >"$work/flood.out"
"$flood" --port "$port" --connections "$idle" --addresses "$addresses" --seconds $((seconds + 3)) >"$work/flood.out" &
flood_pid=$!
for _ in $(seq 300); do
  grep -q '^opened=' "$work/flood.out" && break
  kill -0 "$flood_pid" 2>/dev/null || break
  sleep 0.1
done
echo "flood:  $(head -1 "$work/flood.out" 2>/dev/null)"
echo "during: $(send)"
wait "$flood_pid" || true
echo "flood:  $(tail -1 "$work/flood.out")"
echo "after:  $(send)"
echo "as2d events: $(grep -c '"name":"idle_limit_reached"' "$work/as2d.log" || true) idle_limit_reached, $(grep -c '"name":"address_limit_reached"' "$work/as2d.log" || true) address_limit_reached lines"
stop_as2d
