#!/usr/bin/env bash
# hook_throughput.sh: `payload hook run` against the plain `gpg` command, same machine, same run.
#
#   bench/hook_throughput.sh                        # 1000 x 1 KiB, 1 GiB
#   FILES=200 SIZE_MIB=256 bench/hook_throughput.sh # quick run
#
# Many small files: FILES files of 1 KiB, each signed by the partner and encrypted to us
# by gpg. The policy decrypts and requires the partner's good signature, then moves the
# plaintext to a delivery folder (decrypt-and-verify). Contenders, each on a fresh copy:
#   hook-batch    one `payload hook run` call with all the files
#   hook-per-file one `payload hook run` call per file (how an SFTP server calls it)
#   gpg-loop      a shell loop of `gpg --decrypt --output` per file (gpg checks the
#                 signature as it decrypts; no durability, no required-signer check)
# Every plaintext is compared with its original. files/s = FILES / wall time.
#
# One large file: SIZE_MIB of random bytes encrypted for the partner by a hook policy
# (encrypt, move) against `gpg --encrypt`, wall time and peak RSS from GNU time
# (%e, %M: the payload process itself; GPGME double-forks gpg, so GNU time does not see
# the gpg it starts, whose RSS is reported by the gpg --encrypt row).
# The partner decrypts payload's output with gpg and it is compared with the input.
#
# Environment (all optional):
#   FILES=1000      small files
#   SIZE_MIB=1024   large file size; 0 skips the large file
#   ALGO=default    key algorithm for both keys (gpg --quick-gen-key): default (RSA-3072 with an
#                   RSA-3072 encryption subkey in gpg 2.2) or future-default (Ed25519 + Cv25519)
#   PAYLOAD=path    default: build/cli/payload of this repository
#   BENCH_DIR=/tmp  where the work directory goes (about 3 x SIZE_MIB)
# The GNUPGHOME is a short mktemp directory under /tmp; its gpg-agent is killed and every
# temporary file removed on exit.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
FILES=${FILES:-1000}
SIZE_MIB=${SIZE_MIB:-1024}
ALGO=${ALGO:-default}
PAYLOAD=${PAYLOAD:-$repo/build/cli/payload}
BENCH_DIR=${BENCH_DIR:-/tmp}
TIME=/usr/bin/time

die() { echo "hook_throughput: $*" >&2; exit 1; }
[[ $FILES =~ ^[1-9][0-9]*$ ]] || die "FILES must be a positive integer"
[[ $SIZE_MIB =~ ^[0-9]+$ ]] || die "SIZE_MIB must be a number"
for tool in gpg gpgconf awk cmp; do command -v "$tool" >/dev/null || die "$tool not found"; done
[[ -x $TIME ]] || die "GNU time ($TIME) not found: apt-get install time"
[[ -x $PAYLOAD ]] || die "$PAYLOAD not found: cmake --build build -j2 --target payload (or set PAYLOAD)"
PAYLOAD=$(cd "$(dirname "$PAYLOAD")" && pwd)/$(basename "$PAYLOAD")

home=$(mktemp -d /tmp/hkb.XXXXXX)
work=$(mktemp -d "$BENCH_DIR/hook-bench.XXXXXX")
cleanup() { gpgconf --homedir "$home" --kill all 2>/dev/null || true; rm -rf "$home" "$work"; }
trap cleanup EXIT
chmod 700 "$home"
g() { gpg --homedir "$home" --batch --yes --quiet --pinentry-mode loopback --passphrase '' "$@"; }

g --quick-gen-key "Ours <ours@bench.test>" "$ALGO" default never 2>/dev/null
g --quick-gen-key "Partner <partner@bench.test>" "$ALGO" default never 2>/dev/null
ours=$(g --list-keys --with-colons "ours@bench.test" | awk -F: '$1=="fpr"{print $10; exit}')
partner=$(g --list-keys --with-colons "partner@bench.test" | awk -F: '$1=="fpr"{print $10; exit}')

cat > "$work/hooks.ini" <<INI
[inbound]
steps = decrypt, move
keyring = $home
quarantine = $work/quarantine
decrypt.require_signers = $partner
move.to = $work/delivered

[outbound]
steps = encrypt, move
keyring = $home
quarantine = $work/quarantine
encrypt.recipients = $partner
move.to = $work/outbox
INI

now() { date +%s.%N; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", n / t }'; }

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "gpg $(gpg --version | head -1 | awk "{print \$3}"), keys $ALGO, $FILES files of 1 KiB"

# The small files, signed by the partner and encrypted to us, made once.
mkdir -p "$work/plain" "$work/sealed"
for i in $(seq -w 1 "$FILES"); do
  head -c 1024 /dev/urandom > "$work/plain/f$i.bin"
  g --trust-model always -s -e -u "$partner" -r "$ours" -o "$work/sealed/f$i.bin.pgp" "$work/plain/f$i.bin"
done

fresh() { rm -rf "$work/in" "$work/delivered" "$work/quarantine" "$work/gpg-out"; cp -r "$work/sealed" "$work/in"; sync; }
check_delivered() {
  local dir=$1 n=0
  for f in "$work/plain"/*.bin; do cmp -s "$f" "$dir/$(basename "$f")" && n=$((n + 1)); done
  [[ $n -eq $FILES ]] || die "$dir: only $n of $FILES plaintexts match"
}

fresh
t0=$(now)
"$PAYLOAD" hook run --policies "$work/hooks.ini" --policy inbound --event post-upload --log "$work/audit.log" "$work"/in/*.pgp > /dev/null
t1=$(now)
check_delivered "$work/delivered"
batch=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

fresh
t0=$(now)
for f in "$work"/in/*.pgp; do
  "$PAYLOAD" hook run --policies "$work/hooks.ini" --policy inbound --event post-upload --log "$work/audit.log" "$f" > /dev/null
done
t1=$(now)
check_delivered "$work/delivered"
per_file=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

fresh
mkdir -p "$work/gpg-out"
t0=$(now)
for f in "$work"/in/*.pgp; do
  g -o "$work/gpg-out/$(basename "$f" .pgp)" --decrypt "$f" 2>/dev/null
done
t1=$(now)
check_delivered "$work/gpg-out"
gpg_loop=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

printf '\n%-14s %10s %10s %12s\n' "decrypt+verify" "seconds" "files/s" "vs gpg-loop"
for row in "hook-batch $batch" "hook-per-file $per_file" "gpg-loop $gpg_loop"; do
  set -- $row
  printf '%-14s %10.2f %10s %12s\n' "$1" "$2" "$(rate "$FILES" "$2")" "$(awk -v a="$gpg_loop" -v b="$2" 'BEGIN { printf "%.2fx", a / b }')"
done

if [[ $SIZE_MIB -gt 0 ]]; then
  rm -rf "$work/in" "$work/delivered" "$work/gpg-out" "$work/sealed"
  mkdir -p "$work/big"
  head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > "$work/big/large.bin"
  cp "$work/big/large.bin" "$work/big/reference.bin"
  sync
  $TIME -f '%e %M' -o "$work/time.hook" "$PAYLOAD" hook run --policies "$work/hooks.ini" --policy outbound \
    --event pre-download --log "$work/audit.log" "$work/big/large.bin" > /dev/null
  read -r hook_s hook_kb < "$work/time.hook"
  g -o "$work/big/check.bin" --decrypt "$work/outbox/large.bin.pgp" 2>/dev/null
  cmp -s "$work/big/check.bin" "$work/big/reference.bin" || die "the partner's decryption of the hook's output differs"
  rm -f "$work/big/check.bin" "$work/outbox/large.bin.pgp"
  sync
  $TIME -f '%e %M' -o "$work/time.gpg" gpg --homedir "$home" --batch --yes --quiet --trust-model always \
    -e -r "$partner" -o "$work/big/gpg.pgp" "$work/big/reference.bin"
  read -r gpg_s gpg_kb < "$work/time.gpg"
  printf '\n%-22s %10s %12s\n' "encrypt ${SIZE_MIB} MiB" "seconds" "peak RSS MiB"
  printf '%-22s %10.2f %12.1f\n' "hook (encrypt, move)" "$hook_s" "$(awk -v k="$hook_kb" 'BEGIN { print k / 1024 }')"
  printf '%-22s %10.2f %12.1f\n' "gpg --encrypt" "$gpg_s" "$(awk -v k="$gpg_kb" 'BEGIN { print k / 1024 }')"
  awk -v h="$hook_s" -v g="$gpg_s" 'BEGIN { printf "ratio hook / gpg: %.2f\n", h / g }'
  [[ $hook_kb -lt $((32 * 1024)) ]] && echo "peak RSS under 32 MiB: yes" || echo "peak RSS under 32 MiB: NO"
fi
