#!/usr/bin/env bash
# Raw RSA signatures over one large file (docs/benchmarks.md, "Raw signatures over 1 GiB"):
# a SIZE_MIB file of random bytes is signed and verified with `payload sig sign|verify`
# and with `openssl dgst` (the reference), RSASSA-PSS, each run timed with GNU time
# (elapsed seconds, peak RSS = %M), in rounds, and the best of RUNS kept. Also `payload verify`,
# which first recognises the signature. The file stays in the page cache across the
# runs (written just before), so the figures are the hashing path, not the disk.
# Cross-checks on the way: openssl verifies payload's signature and payload openssl's.
# Work files live in a mktemp directory under /tmp (SIZE_MIB plus a few KiB), removed at the end.
#   BUILD=build SIZE_MIB=1024 RUNS=3 DIGEST=sha256 bench/sig_large.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
size_mib=${SIZE_MIB:-1024}
runs=${RUNS:-3}
digest=${DIGEST:-sha256}
payload=$build/cli/payload
[ -x "$payload" ] || { echo "build it first: cmake --build $build --target payload" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 2; }
work=$(mktemp -d /tmp/sig-large.XXXXXX)
trap 'rm -rf "$work"' EXIT

openssl req -x509 -newkey rsa:3072 -nodes -days 30 -subj "/CN=bench" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
openssl pkey -in "$work/key.pem" -pubout -out "$work/pub.pem"
head -c "$((size_mib << 20))" /dev/urandom >"$work/data.bin"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file: $size_mib MiB of random bytes, RSA-3072, RSASSA-PSS, $digest; $(openssl version)"

# Each round runs every command once, in turn, so that a change in the load of the shared
# machine hits payload and openssl alike; per command the shortest elapsed time and the
# largest peak RSS over the RUNS rounds are kept.
declare -A best_s best_kib
measure() {
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null
  read -r s kib <"$work/time"
  if [ -z "${best_s[$label]:-}" ] || awk -v a="$s" -v b="${best_s[$label]}" 'BEGIN {exit !(a < b)}'; then best_s[$label]=$s; fi
  if [ "$kib" -gt "${best_kib[$label]:-0}" ]; then best_kib[$label]=$kib; fi
}
report() {
  local label=$1
  printf '%-28s %7.2f s  %6.1f MiB/s  peak RSS %5.1f MiB\n' "$label" "${best_s[$label]}" \
    "$(awk -v s="${best_s[$label]}" -v m="$size_mib" 'BEGIN {print m / s}')" "$(awk -v k="${best_kib[$label]}" 'BEGIN {print k / 1024}')"
}
ratio() { awk -v a="${best_s[$1]}" -v b="${best_s[$2]}" 'BEGIN {printf "%.2f", a / b}'; }

# openssl signs first so that payload has a signature from it to verify.
openssl dgst "-$digest" -sign "$work/key.pem" -sigopt rsa_padding_mode:pss -out "$work/openssl.sig" "$work/data.bin"
for _ in $(seq "$runs"); do
  measure "payload sig sign" "$payload" sig sign -q -f --key "$work/key.pem" --digest "$digest" "$work/data.bin" -o "$work/payload.sig"
  measure "openssl dgst -sign" openssl dgst "-$digest" -sign "$work/key.pem" -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest \
    -out "$work/openssl.sig" "$work/data.bin"
  measure "payload sig verify" "$payload" sig verify -q --cert "$work/cert.pem" "$work/data.bin" "$work/openssl.sig"
  measure "openssl dgst -verify" openssl dgst "-$digest" -verify "$work/pub.pem" -sigopt rsa_padding_mode:pss \
    -signature "$work/payload.sig" "$work/data.bin"
  measure "payload verify" "$payload" verify -q --cert "$work/cert.pem" "$work/data.bin" "$work/payload.sig"
done
for label in "payload sig sign" "openssl dgst -sign" "payload sig verify" "openssl dgst -verify" "payload verify"; do report "$label"; done
echo "ratio payload / openssl: sign $(ratio "payload sig sign" "openssl dgst -sign"), verify $(ratio "payload sig verify" "openssl dgst -verify"), payload verify $(ratio "payload verify" "openssl dgst -verify")"
limit=$((32 * 1024))
largest=0
for label in "payload sig sign" "payload sig verify" "payload verify"; do
  kib=${best_kib[$label]}
  if [ "$kib" -ge "$limit" ]; then echo "FAIL: $label: peak RSS $kib KiB is not under 32 MiB"; exit 1; fi
  if [ "$kib" -gt "$largest" ]; then largest=$kib; fi
done
echo "peak RSS under 32 MiB: yes (largest $largest KiB)"
