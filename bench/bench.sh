#!/bin/bash
# bench/bench.sh [-n RUNS] [-r RSS_RUNS] [-g GAP_MS] [RUNTIME...]: time `RUNTIME run` of one busybox /bin/true
# bundle for ocirt, crun and runc side by side (the same bundle, the runtimes alternating run after run), print
# the median, mean and spread of the wall-clock time of each, the ratios between them, and the peak RSS of each
# runtime's process (/usr/bin/time -v, the largest of RSS_RUNS runs).
# -g sleeps GAP_MS before each run. Back to back, one runtime's cgroup migration leaves the kernel's
# threadgroup lock in its fast state for the next start, so every runtime skips the RCU grace period a
# migration waits for on a quiet host (9-17 ms here); with -g 300 each start is timed as a lone start.
# RUNTIME arguments are paths or names; default: build/src/ocirt (BUILD_DIR), crun, runc. Needs root.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=50
rss_runs=5
gap_ms=0
while getopts "n:r:g:h" o; do
    case $o in
        n) runs=$OPTARG ;;
        r) rss_runs=$OPTARG ;;
        g) gap_ms=$OPTARG ;;
        *) sed -n '2,9p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ "$(id -u)" = 0 ] || { echo "bench.sh: needs root" >&2; exit 1; }
[ -x /usr/bin/time ] || "$repo/scripts/install-deps.sh" time
command -v jq > /dev/null || "$repo/scripts/install-deps.sh" jq
[ -x /bin/busybox ] || "$repo/scripts/install-deps.sh" busybox-static

if [ $# -eq 0 ]; then
    set -- "$repo/${BUILD_DIR:-build}/src/ocirt" crun runc
fi

T=$(mktemp -d /tmp/ocirt-bench.XXXXXX)
cleanup() {
    local r
    for r in "$T"/root-*; do
        [ -d "$r" ] || continue
        for id in $(ls "$r" 2>/dev/null); do
            "${rt_path[${r##*/root-}]:-true}" --root "$r" delete -f "$id" > /dev/null 2>&1 || true
        done
    done
    rm -rf "$T"
}
declare -A rt_path=()
trap cleanup EXIT

# crun 1.8 refuses a hybrid hierarchy whose v2 part holds controllers: hugetlb sits there until it has a v1
# mount of its own. Needed once per boot.
if [ -f /sys/fs/cgroup/unified/cgroup.controllers ] && grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers &&
   ! mountpoint -q /sys/fs/cgroup/hugetlb; then
    echo "# mounting the v1 hugetlb hierarchy so that crun accepts this hybrid cgroup layout"
    mkdir -p /sys/fs/cgroup/hugetlb
    mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
fi

# ---- the bundle: busybox, /bin/true, the usual namespaces and mounts, read-only root, no terminal
B=$T/bundle
"$repo/scripts/make-rootfs.sh" "$B/rootfs"
cat > "$B/config.json" <<'JSON'
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false, "user": { "uid": 0, "gid": 0 }, "args": [ "/bin/true" ],
    "env": [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ], "cwd": "/",
    "capabilities": {
      "bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
    },
    "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
    "noNewPrivileges": true
  },
  "root": { "path": "rootfs", "readonly": true },
  "hostname": "bench",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
    { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": [ "nosuid", "noexec", "nodev" ] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": [ "nosuid", "noexec", "nodev", "ro" ] }
  ],
  "linux": {
    "resources": { "devices": [ { "allow": false, "access": "rwm" } ] },
    "namespaces": [ { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" } ],
    "maskedPaths": [ "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware" ],
    "readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
  }
}
JSON

# ---- which runtimes can run it
names=()
for r in "$@"; do
    p=$r
    [[ $p == */* ]] || p=$(command -v "$p" || true)
    name=$(basename "$r")
    if [ -z "$p" ] || [ ! -x "$p" ]; then
        echo "# $name: not found, left out"
        continue
    fi
    mkdir -p "$T/root-$name"
    if ! out=$(timeout 30 "$p" --root "$T/root-$name" run -b "$B" "check-$$" 2>&1 < /dev/null); then
        echo "# $name: cannot run the bundle, left out: $(head -c 300 <<<"$out")"
        "$p" --root "$T/root-$name" delete -f "check-$$" > /dev/null 2>&1 || true
        continue
    fi
    rt_path[$name]=$p
    names+=("$name")
    echo "# $name: $p ($("$p" --version 2>/dev/null | head -1))"
done
[ ${#names[@]} -gt 0 ] || { echo "bench.sh: no runtime could run the bundle" >&2; exit 1; }

echo "# $runs runs each, alternating, ${gap_ms} ms apart; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- wall-clock time of `run`, alternating runtimes
gap_s=$(awk -v g="$gap_ms" 'BEGIN { print g / 1000 }')
declare -A times=()
for ((i = 1; i <= runs; i++)); do
    for name in "${names[@]}"; do
        [ "$gap_ms" = 0 ] || sleep "$gap_s"
        t0=$EPOCHREALTIME
        "${rt_path[$name]}" --root "$T/root-$name" run -b "$B" "b$i" > /dev/null 2>&1 < /dev/null || {
            echo "# $name: run $i failed" >&2
        }
        t1=$EPOCHREALTIME
        times[$name]+="$(( (${t1/./} - ${t0/./}) )) "
    done
done

# ---- peak RSS
declare -A rss=()
for name in "${names[@]}"; do
    max=0
    for ((i = 1; i <= rss_runs; i++)); do
        kb=$(/usr/bin/time -v "${rt_path[$name]}" --root "$T/root-$name" run -b "$B" "rss$i" 2>&1 > /dev/null < /dev/null |
             awk -F': ' '/Maximum resident set size/ { print $2 }')
        [ -n "$kb" ] && [ "$kb" -gt "$max" ] && max=$kb
    done
    rss[$name]=$max
done

# ---- report
stats() { # microseconds on stdin -> "median mean p10 p90 min" in ms
    sort -n | awk '{ a[NR] = $1; s += $1 } END {
        n = NR; med = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        p10 = a[int(n * 0.1) + 1]; p90 = a[int(n * 0.9) > 0 ? int(n * 0.9) : 1]
        printf "%.2f %.2f %.2f %.2f %.2f\n", med / 1000, s / n / 1000, p10 / 1000, p90 / 1000, a[1] / 1000 }'
}
w=8
for name in "${names[@]}"; do [ ${#name} -le $w ] || w=${#name}; done
printf '\n%-*s %10s %10s %10s %10s %10s %12s\n' "$w" runtime "median ms" "mean ms" "p10 ms" "p90 ms" "min ms" "peak RSS MB"
declare -A med=()
for name in "${names[@]}"; do
    read -r m mean p10 p90 mn < <(tr ' ' '\n' <<<"${times[$name]}" | grep . | stats)
    med[$name]=$m
    printf '%-*s %10s %10s %10s %10s %10s %12s\n' "$w" "$name" "$m" "$mean" "$p10" "$p90" "$mn" \
        "$(awk -v k="${rss[$name]}" 'BEGIN { printf "%.1f", k / 1024 }')"
done
echo
for ((i = 0; i < ${#names[@]}; i++)); do
    for ((j = i + 1; j < ${#names[@]}; j++)); do
        a=${names[i]} b=${names[j]}
        awk -v a="$a" -v b="$b" -v x="${med[$a]}" -v y="${med[$b]}" -v ra="${rss[$a]}" -v rb="${rss[$b]}" \
            'BEGIN { printf "%s/%s: time %.2fx, peak RSS %.2fx\n", a, b, x / y, ra / rb }'
    done
done
