#!/usr/bin/env bash
# pgp_throughput.sh: `payload pgp` against the plain `gpg` command, same machine, same run.
#
#   bench/pgp_throughput.sh                      # 1 GiB inputs, best of 3
#   SIZE_MIB=256 RUNS=2 bench/pgp_throughput.sh  # quick run
#
# Throughput: for each input (random bytes, EDI/CSV-like text) and each compression mode
# (none, ZLIB level 6) it encrypts with `gpg -e` and `payload pgp encrypt` (AES256, same
# recipient: an RSA-3072 key made by gpg itself) and decrypts one ciphertext (payload's)
# with `gpg -d` and `payload pgp decrypt`. Inputs are in the page cache, outputs are
# files next to the inputs; the contenders run interleaved (the order rotates every run),
# `sync` precedes every timed run, and the best wall time of RUNS counts. Every decrypted
# output is compared byte for byte with the input. Wall time and peak RSS come from GNU
# time (%e %M); MiB/s is the plaintext size over the wall time, ratio = payload / gpg.
# On a shared machine wall times move with the load; when `perf` is installed the CPU
# time of each whole run (task-clock, gpg included) is reported too, which load moves far less.
# payload publishes every output durably (fsync, then link into place) and gpg does not,
# so with SYNC_MODES a third contender runs gpg and then sync(1) on its output. With
# PUMP_MODES the GPGME pump path is measured too: payload reading its input from a
# redirected stdin, which rules out the direct-file path (gpg reads the files itself).
#
# Latency: detached sign + verify of a 1 KiB file, LAT_ITERS times, payload against
# `gpg --detach-sign` / `gpg --verify`, process start included.
#
# Environment (all optional):
#   SIZE_MIB=1024         input size in MiB
#   RUNS=3                best of N
#   PAYLOAD=path          default: build/cli/payload of this repository
#   PAYLOAD_BASE=path     an earlier payload build, run as one more contender ("base") with the
#                         same arguments, so that a change is measured before/after in one run
#   INPUTS="random text"  MODES="none zlib"
#   PUMP_MODES=none       compression modes for which the GPGME pump path is measured too ("" = skip)
#   SYNC_MODES="none zlib" modes for which "gpg, then sync its output" is measured too ("" = skip)
#   LAT_ITERS=20          sign + verify iterations; 0 skips the latency section
#   SKIP_THROUGHPUT=1     latency only
#   BENCH_DIR=/tmp        where the work directory (inputs, outputs: about 5 x SIZE_MIB) goes
#   CPU=1                 also report CPU time (perf stat task-clock) when perf works; CPU=0 skips
# The GNUPGHOME is always a short mktemp directory under /tmp (agent socket path limit);
# its gpg-agent is killed and every temporary file removed on exit.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
PAYLOAD=${PAYLOAD:-$repo/build/cli/payload}
INPUTS=${INPUTS:-random text}
MODES=${MODES:-none zlib}
PUMP_MODES=${PUMP_MODES-none}
SYNC_MODES=${SYNC_MODES-none zlib}
LAT_ITERS=${LAT_ITERS:-20}
SKIP_THROUGHPUT=${SKIP_THROUGHPUT:-0}
BENCH_DIR=${BENCH_DIR:-/tmp}
TIME=/usr/bin/time

die() { echo "pgp_throughput: $*" >&2; exit 1; }
[[ $SIZE_MIB =~ ^[1-9][0-9]*$ ]] || die "SIZE_MIB must be a positive integer"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
[[ $LAT_ITERS =~ ^[0-9]+$ ]] || die "LAT_ITERS must be a number"
for tool in gpg gpgconf awk cmp sync; do command -v "$tool" >/dev/null || die "$tool not found"; done
[[ -x $TIME ]] || die "GNU time ($TIME) not found: apt-get install time"
[[ -x $PAYLOAD ]] || die "$PAYLOAD not found: cmake --build build -j2 --target payload (or set PAYLOAD)"
PAYLOAD=$(cd "$(dirname "$PAYLOAD")" && pwd)/$(basename "$PAYLOAD")
PAYLOAD_BASE=${PAYLOAD_BASE:-}
if [[ -n $PAYLOAD_BASE ]]; then
  [[ -x $PAYLOAD_BASE ]] || die "PAYLOAD_BASE=$PAYLOAD_BASE is not an executable"
  PAYLOAD_BASE=$(cd "$(dirname "$PAYLOAD_BASE")" && pwd)/$(basename "$PAYLOAD_BASE")
fi

work=
gh=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $gh ]]; then
    gpgconf --homedir "$gh" --kill all >/dev/null 2>&1 || true
    rm -rf "$gh"
  fi
  [[ -n $work ]] && rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

gh=$(mktemp -d /tmp/pgpbh.XXXXXX)
chmod 700 "$gh"
work=$(mktemp -d "$BENCH_DIR/pgpb.XXXXXX")
bytes=$((SIZE_MIB * 1048576))

if [[ $SKIP_THROUGHPUT != 1 ]]; then
  avail_kib=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
  need_kib=$((SIZE_MIB * 1024 * 5))
  ((avail_kib > need_kib)) || die "$work: about $((need_kib / 1024)) MiB free space needed, $((avail_kib / 1024)) MiB available"
fi

# ---------------------------------------------------------------------------------------
# Header: what ran where.
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "# pgp_throughput $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "# host: $(nproc) CPUs, ${cpu:-unknown CPU}, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(gpg --version | head -1), $(gpg --version | awk '/^libgcrypt/ { print; exit }'); GPGME $(pkg-config --modversion gpgme 2>/dev/null || echo '?')"
echo "# payload: $PAYLOAD (source tree $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet HEAD -- libpayload/src/pgp libpayload/include/payload/pgp cli 2>/dev/null || echo ', with local changes'))"
[[ -n $PAYLOAD_BASE ]] && echo "# base: $PAYLOAD_BASE"
echo "# size ${SIZE_MIB} MiB, best of $RUNS, work dir $(df -PT "$work" | awk 'NR == 2 { print $2 }') ($work), GNUPGHOME $gh"

# ---------------------------------------------------------------------------------------
# The key: RSA-3072 primary (sign, certify) + RSA-3072 encryption subkey, made by gpg.
G=(gpg --homedir "$gh" --batch --no-tty --quiet)
"${G[@]}" --pinentry-mode loopback --passphrase '' --quick-gen-key 'Bench <bench@example.test>' rsa3072 sign,cert never 2>/dev/null
fpr=$("${G[@]}" --list-keys --with-colons | awk -F: '/^fpr/ { print $10; exit }')
"${G[@]}" --pinentry-mode loopback --passphrase '' --quick-add-key "$fpr" rsa3072 encr never 2>/dev/null
echo "# key: RSA-3072 + RSA-3072 encryption subkey, $fpr"

# CPU time of a whole run, gpg included (GPGME double-forks it, so GNU time cannot see it):
# perf stat's task-clock counts every descendant. Used when perf works (CPU=0 turns it off).
perf_stat=()
if [[ ${CPU:-1} != 0 ]] && command -v perf >/dev/null && perf stat -x, -e task-clock -o /dev/null -- true 2>/dev/null; then
  perf_stat=(perf stat -x, -e task-clock -o "$work/cpu" --)
fi

# Runs "$@" under GNU time; sets t (wall seconds), rss (KiB) and cpu (seconds, or empty).
# stdin comes from $stdin_from.
stdin_from=/dev/null
timed() {
  local rc=0
  cpu=
  "${perf_stat[@]}" "$TIME" -f '%e %M' -o "$work/time" "$@" <"$stdin_from" >/dev/null 2>"$work/stderr" || rc=$?
  if ((rc != 0)); then
    echo "pgp_throughput: failed (exit $rc): $*" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  read -r t rss <"$work/time"
  if ((${#perf_stat[@]})); then cpu=$(awk -F, '$3 ~ /^task-clock/ { printf "%.2f", $1 / 1000 }' "$work/cpu"); fi
  return 0
}

# Best wall time, best CPU time and peak RSS per contender key.
declare -A best bestcpu peak
less() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
record() { # key t rss [cpu]
  if [[ -z ${best[$1]:-} ]] || less "$2" "${best[$1]}"; then best[$1]=$2; fi
  if [[ -n ${4:-} ]] && { [[ -z ${bestcpu[$1]:-} ]] || less "$4" "${bestcpu[$1]}"; }; then bestcpu[$1]=$4; fi
  if [[ -z ${peak[$1]:-} ]] || ((${3} > ${peak[$1]})); then peak[$1]=$3; fi
}

make_input() { # name
  local f=$work/$1.in
  case $1 in
    random) head -c "$bytes" /dev/urandom >"$f" ;;
    text)
      # EDI (EDIFACT ORDERS) and CSV order lines, about 4:1 with gzip -6.
      awk -v n="$bytes" 'BEGIN {
        srand(42); b = 0; i = 0; q = sprintf("%c", 39)
        while (b < n) {
          i++; m = int(rand() * 12) + 1; d = int(rand() * 28) + 1
          if (i % 4 == 0)
            s = sprintf("UNH+%08d+ORDERS:D:96A:UN%sBGM+220+PO%07d+9%sDTM+137:2024%02d%02d:102%sNAD+BY+40%011d::9%sLIN+%d++40%011d:EN%sQTY+21:%d%sPRI+AAA:%d.%02d%sUNT+9+%08d%s\n",
                        i, q, int(rand() * 9999999), q, m, d, q, int(rand() * 999) * 1000, q, i % 50 + 1, int(rand() * 99999), q,
                        int(rand() * 500) + 1, q, int(rand() * 999), int(rand() * 100), q, i, q)
          else
            s = sprintf("%d,2024-%02d-%02d,PO%07d,ACME-SUPPLY-%04d,SKU-%06d,\"Widget type %c, grade %d\",%d,%d.%02d,EUR,DE,%s\n",
                        i, m, d, int(rand() * 9999999), int(rand() * 200), int(rand() * 50000), 65 + int(rand() * 6),
                        int(rand() * 5) + 1, int(rand() * 500) + 1, int(rand() * 999), int(rand() * 100), (rand() < 0.8 ? "OPEN" : "SHIPPED"))
          if (b + length(s) > n) s = substr(s, 1, n - b)
          printf "%s", s; b += length(s)
        }
      }' >"$f"
      ;;
    *) die "unknown input $1 (random, text)" ;;
  esac
  [[ $(stat -c %s "$f") == "$bytes" ]] || die "$f: not $bytes bytes"
}

mibs() { awk -v s="$SIZE_MIB" -v t="$1" 'BEGIN { if (t > 0) printf "%.1f", s / t; else print "inf" }'; }
ratio() { awk -v g="$1" -v p="$2" 'BEGIN { if (p > 0) printf "%.3f", g / p; else print "-" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# Column: best time's MiB/s, or "-" for a contender that did not run.
col() { if [[ -n ${best[$1]:-} ]]; then mibs "${best[$1]}"; else echo -; fi; }
rcol() { if [[ -n ${best[$1]:-} && -n ${best[$2]:-} ]]; then ratio "${best[$1]}" "${best[$2]}"; else echo -; fi; }

fmt='%-6s %-4s %-3s %9s %9s %9s %7s %7s %9s %7s %9s %7s %8s\n'
rows=()
cfmt='%-6s %-4s %-3s %9s %9s %7s %9s %7s\n'
cpurows=()
add_cpurow() { # input mode op
  local o=$3 g=${bestcpu[$3.gpg]:-} p=${bestcpu[$3.direct]:-} u=${bestcpu[$3.pump]:-}
  [[ -n $g && -n $p ]] || return 0
  cpurows+=("$(printf "$cfmt" "$1" "$2" "$3" "$g" "$p" "$(ratio "$g" "$p")" "${u:--}" "$([[ -n $u ]] && ratio "$g" "$u" || echo -)")")
}
add_row() { # input mode op
  local o=$3
  rows+=("$(printf "$fmt" "$1" "$2" "$3" "$(col "$o.gpg")" "$(col "$o.gpgsync")" "$(col "$o.direct")" \
    "$(rcol "$o.gpg" "$o.direct")" "$(rcol "$o.gpgsync" "$o.direct")" "$(col "$o.pump")" "$(rcol "$o.gpg" "$o.pump")" \
    "$(col "$o.base")" "$(rcol "$o.gpg" "$o.base")" \
    "$(mib "${peak[$o.direct]}")")")
}
secs() { # op: "contender=best-wall-seconds[/best-cpu-seconds] ..." for the log
  local o=$1 c out=
  for c in "${contenders[@]}"; do out+=" $c=${best[$o.$c]}s${bestcpu[$o.$c]:+/${bestcpu[$o.$c]}s}"; done
  echo "${out# }"
}

# One timed run of contender $1 for operation $2 (enc, dec): input $3, output $4.
run_one() {
  local c=$1 op=$2 src=$3 out=$4
  stdin_from=/dev/null
  case $op.$c in
    enc.gpg) timed "${G[@]}" --yes --always-trust --cipher-algo AES256 "${gz[@]}" -r "$fpr" -o "$out" -e "$src" ;;
    enc.gpgsync) timed bash -c '"${@:2}" && sync -- "$1"' _ "$out" "${G[@]}" --yes --always-trust --cipher-algo AES256 "${gz[@]}" -r "$fpr" -o "$out" -e "$src" ;;
    enc.direct) timed "${P[@]}" encrypt -q --home "$gh" -r "$fpr" --cipher AES256 "${pz[@]}" -o "$out" "$src" ;;
    enc.base) timed "$PAYLOAD_BASE" pgp encrypt -q --home "$gh" -r "$fpr" --cipher AES256 "${pz[@]}" -o "$out" "$src" ;;
    enc.pump) stdin_from=$src; timed "${P[@]}" encrypt -q --home "$gh" -r "$fpr" --cipher AES256 "${pz[@]}" -o "$out" ;;
    dec.gpg) timed "${G[@]}" --yes -o "$out" -d "$src" ;;
    dec.gpgsync) timed bash -c '"${@:2}" && sync -- "$1"' _ "$out" "${G[@]}" --yes -o "$out" -d "$src" ;;
    dec.direct) timed "${P[@]}" decrypt -q --home "$gh" -o "$out" "$src" ;;
    dec.base) timed "$PAYLOAD_BASE" pgp decrypt -q --home "$gh" -o "$out" "$src" ;;
    dec.pump) stdin_from=$src; timed "${P[@]}" decrypt -q --home "$gh" -o "$out" ;;
  esac
  stdin_from=/dev/null
}

if [[ $SKIP_THROUGHPUT != 1 ]]; then
  P=("$PAYLOAD" pgp)
  for input in $INPUTS; do
    make_input "$input"
    in=$work/$input.in
    for mode in $MODES; do
      case $mode in
        none) gz=(--compress-algo none); pz=(--compress none) ;;
        zlib) gz=(--compress-algo zlib --compress-level 6); pz=(--compress ZLIB --compress-level 6) ;;
        *) die "unknown mode $mode (none, zlib)" ;;
      esac
      contenders=(gpg direct)
      [[ " $SYNC_MODES " == *" $mode "* ]] && contenders+=(gpgsync)
      [[ " $PUMP_MODES " == *" $mode "* ]] && contenders+=(pump)
      [[ -n $PAYLOAD_BASE ]] && contenders+=(base)
      best=() bestcpu=() peak=()
      ct=$work/ct.payload
      # Encrypt, then decrypt payload's ciphertext; every decrypted output is compared.
      for op in enc dec; do
        for ((r = 0; r < RUNS; r++)); do
          n=${#contenders[@]}
          for ((k = 0; k < n; k++)); do
            c=${contenders[(k + r) % n]}
            if [[ $op == enc ]]; then src=$in out=$work/ct.$c; else src=$ct out=$work/pt.$c; fi
            rm -f "$out"
            cat "$src" >/dev/null
            sync
            run_one "$c" "$op" "$src" "$out"
            record "$op.$c" "$t" "$rss" "$cpu"
            if [[ $op == dec ]]; then
              cmp -s "$in" "$out" || die "$c: decrypted $input/$mode differs from the input"
              rm -f "$out"
            fi
          done
        done
        if [[ $op == enc ]]; then
          sizes="ciphertext bytes: gpg $(stat -c %s "$work/ct.gpg"), payload $(stat -c %s "$work/ct.direct")"
          mv "$work/ct.direct" "$ct"
          for c in "${contenders[@]}"; do rm -f "$work/ct.$c"; done
        fi
      done
      rm -f "$work"/ct.*
      echo "# $input/$mode: $sizes; best enc: $(secs enc); best dec: $(secs dec); gpg peak RSS enc $(mib "${peak[enc.gpg]}") MiB, dec $(mib "${peak[dec.gpg]}") MiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
      for op in enc dec; do
        add_row "$input" "$mode" "$op"
        add_cpurow "$input" "$mode" "$op"
      done
    done
    rm -f "$in"
  done

  echo
  echo "Throughput, ${SIZE_MIB} MiB, best of $RUNS: MiB/s = plaintext MiB / wall seconds; ratio = payload MiB/s / gpg MiB/s"
  printf "$fmt" input mode op gpg "gpg+fsync" payload ratio "r(fsync)" "pump" "r(pump)" "base" "r(base)" "RSS MiB"
  for row in "${rows[@]}"; do echo "$row"; done
  echo "gpg: plain gpg command; gpg+fsync: gpg, then sync(1) of its output (payload publishes its output durably: fsync,"
  echo "then link into place); payload: payload pgp with file arguments (gpg reads and writes the files itself);"
  echo "pump: payload with a redirected stdin, so GPGME copies the data through its pipes; r(fsync) = payload / gpg+fsync;"
  echo "base: the PAYLOAD_BASE build, same arguments as payload; r(base) = base / gpg;"
  echo "RSS: peak resident set of the payload process (GPGME double-forks gpg, whose own memory is not included)."
  if ((${#cpurows[@]})); then
    echo
    echo "CPU seconds (perf task-clock of the whole run, gpg and every helper process included), best of $RUNS; ratio = gpg / payload"
    printf "$cfmt" input mode op gpg payload ratio pump "r(pump)"
    for row in "${cpurows[@]}"; do echo "$row"; done
  fi
fi

# ---------------------------------------------------------------------------------------
# Latency: sign + verify of a 1 KiB file, end to end.
if ((LAT_ITERS > 0)); then
  f=$work/small.txt
  printf 'UNH+1+ORDERS:D:96A:UN%sBGM+220+PO4711+9%s\n' "'" "'" >"$f"
  while (($(stat -c %s "$f") < 1024)); do echo "1,2024-05-17,PO4711,ACME-SUPPLY-0042,SKU-004711,\"Widget type A, grade 1\",17,12.50,EUR,DE,OPEN" >>"$f"; done
  truncate -s 1024 "$f"
  ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) * 1000 }'; }
  declare -A lat=([gs]=0 [gv]=0 [ps]=0 [pv]=0 [bs]=0 [bv]=0)
  lat_op() { # key cmd...
    local k=$1 t0 t1
    shift
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; die "latency: failed: $*"; }
    t1=$EPOCHREALTIME
    lat[$k]=$(awk -v s="${lat[$k]}" -v d="$(ms "$t0" "$t1")" 'BEGIN { printf "%.3f", s + d }')
  }
  gsign() { "${G[@]}" --yes -u "$fpr" --digest-algo SHA256 --detach-sign -o "$f.gsig" "$f"; }
  gverify() { "${G[@]}" --verify "$f.gsig" "$f"; }
  psign() { "$1" pgp sign -q --home "$gh" -s "$fpr" --digest SHA256 -f -o "$f.psig" "$f"; } # binary
  pverify() { "$1" pgp verify -q --home "$gh" "$f" "$f.psig"; }                             # binary
  { gsign && gverify && psign "$PAYLOAD" && pverify "$PAYLOAD"; } >/dev/null 2>&1 || die "latency: warm-up sign/verify failed" # agent, page cache; not counted
  lat_base() { if [[ -n $PAYLOAD_BASE ]]; then lat_op bs psign "$PAYLOAD_BASE"; lat_op bv pverify "$PAYLOAD_BASE"; fi; }
  for ((i = 0; i < LAT_ITERS; i++)); do
    if ((i % 2 == 0)); then
      lat_op gs gsign; lat_op gv gverify; lat_op ps psign "$PAYLOAD"; lat_op pv pverify "$PAYLOAD"; lat_base
    else
      lat_base; lat_op ps psign "$PAYLOAD"; lat_op pv pverify "$PAYLOAD"; lat_op gs gsign; lat_op gv gverify
    fi
  done
  per() { awk -v s="$1" -v n="$LAT_ITERS" 'BEGIN { printf "%.1f", s / n }'; }
  rat() { awk -v g="$1" -v p="$2" 'BEGIN { printf "%.2f", p / g }'; }
  echo
  echo "Latency, 1 KiB file, RSA-3072, SHA256, detached, mean of $LAT_ITERS (ms/op, process start included; ratio = payload / gpg time)"
  lfmt='%-14s %8s %8s %7s %8s %7s\n'
  printf "$lfmt" operation gpg payload ratio base "r(base)"
  lat[gsv]=$(awk -v a="${lat[gs]}" -v b="${lat[gv]}" 'BEGIN { print a + b }')
  lat[psv]=$(awk -v a="${lat[ps]}" -v b="${lat[pv]}" 'BEGIN { print a + b }')
  lat[bsv]=$(awk -v a="${lat[bs]}" -v b="${lat[bv]}" 'BEGIN { print a + b }')
  for row in "sign gs ps bs" "verify gv pv bv" "sign+verify gsv psv bsv"; do
    read -r name g p b <<<"$row"
    if [[ -n $PAYLOAD_BASE ]]; then bcol=$(per "${lat[$b]}") brat=$(rat "${lat[$g]}" "${lat[$b]}"); else bcol=- brat=-; fi
    printf "$lfmt" "$name" "$(per "${lat[$g]}")" "$(per "${lat[$p]}")" "$(rat "${lat[$g]}" "${lat[$p]}")" "$bcol" "$brat"
  done
fi
echo
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
