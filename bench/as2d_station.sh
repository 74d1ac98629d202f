# Sourced by the as2d benchmarks: a throwaway work directory under /tmp with a station and
# a partner certificate (RSA-2048, openssl), and as2d started on an ephemeral port of
# 127.0.0.1 and stopped again. Expects `set -euo pipefail`; sets `work`, `pid` and `port`.
#   bench_workdir NAME      a mktemp directory ${TMPDIR:-/tmp}/NAME-XXXXXX, removed on exit (with as2d)
#   bench_certs PREFIX      $work/{station,partner}.{key,crt}, subjects "PREFIX STATION" ...
#   start_as2d AS2D CONFIG  runs as2d; the config must log to $work/as2d.log
#   stop_as2d               SIGTERM and wait
pid=
bench_cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
  rm -rf "$work"
}
bench_workdir() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/$1-XXXXXX")
  trap bench_cleanup EXIT
}
bench_certs() {
  for who in station partner; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1 ${who^^}" \
      -keyout "$work/$who.key" -out "$work/$who.crt" 2>/dev/null
  done
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
