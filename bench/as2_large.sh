#!/usr/bin/env bash
# Large AS2 messages (docs/benchmarks.md, "1 GiB AS2 messages"): a SIZE_MIB payload of
# random bytes is packed with `payload as2 pack` (signed SHA-256, AES-256-CBC, sync signed
# MDN), once without and once with compression (before signing), then
#  - `payload as2 unpack` of each is timed with GNU time (elapsed s, peak RSS) and its
#    output compared with the payload (cmp);
#  - each is POSTed (curl) to a running as2d, which is restarted per message so that its
#    VmHWM (/proc/PID/status) is the peak of that message alone; curl's time_total is the
#    time to the MDN, and the inbox file is compared with the payload.
# Peak RSS is VmHWM/%M: anonymous memory plus the file-backed pages of mappings that were
# touched (a mapped spool file counts as much as a copy in memory would).
# Work files live in a mktemp directory under /tmp (about 6 x SIZE_MIB) and are removed.
#   BUILD=build SIZE_MIB=1024 COMPRESS="none before-sign" bench/as2_large.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
size_mib=${SIZE_MIB:-1024}
payload=$build/cli/payload
as2d=$build/as2d/as2d
[ -x "$payload" ] && [ -x "$as2d" ] || { echo "build them first: cmake --build $build --target payload as2d" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 2; }
. bench/as2d_station.sh
bench_workdir as2-large
bench_certs LARGE
head -c "$((size_mib << 20))" /dev/urandom >"$work/payload.bin"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "payload: $size_mib MiB of random bytes"

# peak_kib PID: the VmHWM of a running process, in KiB.
peak_kib() { sed -n 's/^VmHWM:\s*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f MiB (%.2f x payload)", k / 1024, k / 1024 / '"$size_mib"'}'; }

cat >"$work/as2d.ini" <<INI
[station]
as2_id = LARGE_STATION
key = station.key
cert = station.crt
listen = 127.0.0.1:0
data_dir = data
log_file = as2d.log
max_body_size = $((size_mib * 2 + 64))M
body_timeout = 1h

[partner.large]
as2_id = LARGE_PARTNER
cert = partner.crt
INI

# The decompressed entity is the payload and its MIME headers: a little over the default
# 1 GiB bomb guard for a 1 GiB payload (binaries before the option existed cannot unpack it).
max_decompressed=()
if "$payload" as2 unpack --help | grep -q -- --max-decompressed; then
  max_decompressed=(--max-decompressed "$(((size_mib + 1) << 20))")
fi

for compress in ${COMPRESS:-none before-sign}; do
  message=$work/message.$compress
  /usr/bin/time -f '%e %M' -o "$work/time" "$payload" as2 pack "$work/payload.bin" -o "$message" -q \
    --from LARGE_PARTNER --to LARGE_STATION --key "$work/partner.key" --cert "$work/partner.crt" \
    --partner-cert "$work/station.crt" --sign sha-256 --encrypt aes-256-cbc --compress "$compress" --mdn sync >/dev/null
  read -r seconds kib <"$work/time"
  echo "compress=$compress: message $(( $(stat -c %s "$message") >> 20 )) MiB; pack ${seconds} s, peak $(mib "$kib")"

  /usr/bin/time -f '%e %M' -o "$work/time" "$payload" as2 unpack "$message" -o "$work/out.bin" -f -q \
    --key "$work/station.key" --cert "$work/station.crt" --partner-cert "$work/partner.crt" \
    --require-signed --require-encrypted "${max_decompressed[@]}"
  read -r seconds kib <"$work/time"
  cmp "$work/payload.bin" "$work/out.bin"
  rm -f "$work/out.bin"
  echo "compress=$compress: payload as2 unpack ${seconds} s, peak $(mib "$kib"), payload identical"

  # The wire form is HTTP headers, an empty line, the body: curl sends them apart.
  header_bytes=$(grep -abm1 $'^\r$' "$message" | cut -d: -f1)
  headers=()
  while IFS= read -r line; do
    line=${line%$'\r'}
    [ -n "$line" ] && headers+=(-H "$line")
  done < <(head -c "$header_bytes" "$message" | grep -av '^POST ')
  tail -c +"$((header_bytes + 3))" "$message" >"$work/body"
  rm -f "$message"
  rm -rf "$work/data" "$work/as2d.log"
  start_as2d "$as2d" "$work/as2d.ini"
  seconds=$(curl -sS -o "$work/mdn" -w '%{time_total}' "${headers[@]}" -H 'Expect:' \
    -X POST -T "$work/body" "http://127.0.0.1:$port/as2")
  kib=$(peak_kib "$pid")
  stop_as2d
  rm -f "$work/body"
  grep -q 'processed' "$work/mdn" || { echo "as2d did not answer processed:" >&2; head -c 2000 "$work/mdn" >&2; exit 1; }
  stored=$(find "$work/data/inbox" -type f)
  cmp "$work/payload.bin" "$stored"
  echo "compress=$compress: as2d to the MDN ${seconds} s, peak $(mib "$kib"), inbox file identical"
done
