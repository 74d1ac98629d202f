# Sourced by the as2d benchmarks: a throwaway work directory under /tmp with a station and
# a partner certificate (RSA-2048, openssl), and as2d started on an ephemeral port of
# 127.0.0.1 and stopped again. Expects `set -euo pipefail`; sets `work`, `pid` and `port`.
#   bench_workdir NAME      a mktemp directory ${TMPDIR:-/tmp}/as2d-bench/NAME-XXXXXX, removed on exit (with as2d);
#                           waits first until BENCH_SETTLE (65) seconds have passed since a
#                           previous run removed its directory there (see below)
#   bench_certs PREFIX      $work/{station,partner}.{key,crt}, subjects "PREFIX STATION" ...
#   start_as2d AS2D CONFIG  runs as2d; the config must log to $work/as2d.log
#   stop_as2d               SIGTERM and wait
pid=
# ext4 without a journal (this machine's root file system) skips, when it allocates an
# inode, every inode of the group freed in the last 60 s (fs/ext4/ialloc.c,
# recently_deleted; 360 s while the inode table block is not written back yet, normally
# within 30 s): right after a run removed its 10000 inbox files, the next run's file
# creations scan past them (up to 40% of as2d's CPU time in a profile). So a run starts
# at least BENCH_SETTLE seconds after the previous one removed its directory. And the
# work directories are made in $TMPDIR/as2d-bench, which carries ext4's "top of a
# directory hierarchy" flag (chattr +T): ext4's Orlov allocator then places each new
# (randomly named) work directory, and with it the station's inbox files, in a block
# group chosen by its name's hash, not in the group of $TMPDIR itself, where the previous
# run's and other processes' deletions would be paid for.
bench_stamp="${TMPDIR:-/tmp}/.as2d-bench-removed"
bench_cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
  rm -rf "$work"
  touch "$bench_stamp"
}
bench_workdir() {
  if [ -e "$bench_stamp" ]; then
    local wait=$(( ${BENCH_SETTLE:-65} - ($(date +%s) - $(stat -c %Y "$bench_stamp")) ))
    if [ "$wait" -gt 0 ]; then
      echo "waiting $wait s: the previous run's removed files are still \"recently deleted\" for ext4" >&2
      sleep "$wait"
    fi
  fi
  mkdir -p "${TMPDIR:-/tmp}/as2d-bench"
  chattr +T "${TMPDIR:-/tmp}/as2d-bench" 2>/dev/null || true  # not ext4: nothing to do
  work=$(mktemp -d "${TMPDIR:-/tmp}/as2d-bench/$1-XXXXXX")
  trap bench_cleanup EXIT
}
bench_certs() {
  for who in station partner; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1 ${who^^}" \
      -keyout "$work/$who.key" -out "$work/$who.crt" 2>/dev/null
  done
}
# $work/as2d.ini: the station (loopback, a free port, the store and log in $work) and one
# partner, both with bench_certs' certificates; arguments are extra [station] lines.
bench_ini() {
  {
    printf '[station]\nas2_id = BENCH_STATION\nkey = station.key\ncert = station.crt\n'
    printf 'listen = 127.0.0.1:0\ndata_dir = data\nlog_file = as2d.log\n'
    for line in "$@"; do printf '%s\n' "$line"; done
    printf '\n[partner.bench]\nas2_id = BENCH_PARTNER\ncert = partner.crt\n'
  } >"$work/as2d.ini"
}
start_as2d() {
  "$1" --config "$2" &
  pid=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's/.*"name":"daemon_started".*"port":\([0-9]*\).*/\1/p' "$work/as2d.log" 2>/dev/null || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "as2d did not start" >&2; exit 1; }
}
stop_as2d() {
  kill -TERM "$pid"
  wait "$pid"
  pid=
}
