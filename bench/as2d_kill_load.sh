#!/usr/bin/env bash
# as2d killed under load, the long run (docs/reliability.md, "Faults and load"): the CTest
# case "as2d killed at random moments under 16 concurrent senders..." of as2d_fault_tests
# with more kills and messages. 16 sender threads post distinct signed, encrypted messages
# (a quarter with asynchronous MDNs) to an as2d that is killed with SIGKILL after a random
# 5 ms to MAX_UP_MS of running, KILLS times, and restarted; its outbox sends files to a
# second as2d meanwhile. Then every acknowledged message must be in the inbox once with
# the SHA-256 its sender recorded, no foreign or partial file ever in it, every
# asynchronous MDN delivered and every outbox file in sent/ or failed/. The last line is
# the figures (kills, messages, acknowledged, stored, bytes lost, ...).
#   BUILD=build KILLS=200 MESSAGES=150 OUTBOX=100 MAX_UP_MS=600 RUNS=3 bench/as2d_kill_load.sh
# SEED replays one order of kills (printed by each run).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
tests=$build/tests/as2d/as2d_fault_tests
[ -x "$tests" ] || { echo "build the tests first: cmake --build $build --target as2d_fault_tests" >&2; exit 2; }
export AS2D_KILLS=${KILLS:-200} AS2D_KILL_MESSAGES=${MESSAGES:-150} AS2D_KILL_OUTBOX=${OUTBOX:-100}
export AS2D_KILL_MAX_UP_MS=${MAX_UP_MS:-600} AS2D_KILL_SENDERS=${SENDERS:-16}
[ -n "${SEED:-}" ] && export AS2D_KILL_SEED=$SEED
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); ${TMPDIR:-/tmp} on $(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $2}')"
for run in $(seq "${RUNS:-1}"); do
  "$tests" -w NoAssertions "as2d killed at random moments under 16 concurrent senders*" | grep -E '^kill-load:|passed|failed'
done
