#!/bin/bash
# hot-functions.sh [--check MIN_PERCENT] [BINARY]: find the functions of ocirt that the commands engines call
# on every container (run; create, start, state, exec, kill, delete, list with the flags containerd and
# Podman pass; a user namespace) actually execute, and write them, in the order they first run, as the
# section names of src/hot-sections.txt. The link (src/meson.build) places those sections together, so a
# start maps ~0.5 MB of ocirt's code instead of all 1.8 MB: the kernel maps 64 KiB around every page it
# faults in, and the hot code was spread over the whole text.
# Run it after changes on the start path (as root; BINARY default build/src/ocirt). With --check it writes
# nothing and fails when fewer than MIN_PERCENT of the functions `run` executes are in the list.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
check=""
if [ "${1:-}" = --check ]; then
    check=$2
    shift 2
fi
bin=$(readlink -f "${1:-$repo/${BUILD_DIR:-build}/src/ocirt}")
list=$repo/src/hot-sections.txt
[ "$(id -u)" = 0 ] || { echo "hot-functions.sh: needs root" >&2; exit 1; }

T=$(mktemp -d /tmp/ocirt-hot.XXXXXX)
chmod 755 "$T"
cleanup() {
    for id in $(ls "$T/state" 2>/dev/null); do "$bin" --root "$T/state" delete -f "$id" >/dev/null 2>&1 || true; done
    rm -rf "$T"
}
trap cleanup EXIT

g++ -O2 -o "$T/trace" "$repo/scripts/hot-functions/trace.cpp"
# Function symbols: address, then every name at that address (C1/C2 constructors share one body).
nm --defined-only -P "$bin" | awk '$2 ~ /^[tTwW]$/ { print $3, $1 }' | sort > "$T/syms"
cut -d' ' -f1 "$T/syms" | sort -u > "$T/funcs"

"$repo/scripts/make-rootfs.sh" "$T/b/rootfs" >/dev/null
(cd "$T/b" && "$bin" spec)
jq '.process.terminal = false | .process.args = ["sleep", "30"]' "$T/b/config.json" > "$T/c" && mv "$T/c" "$T/b/config.json"
mkdir -p "$T/u"
ln -s "$T/b/rootfs" "$T/u/rootfs"
jq '.process.args = ["true"] | .root.readonly = true | .linux.namespaces += [{"type": "user"}]
    | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]' "$T/b/config.json" > "$T/u/config.json"
jq '.process | .args = ["true"]' "$T/b/config.json" > "$T/process.json"

n=0
traced() {
    n=$((n + 1))
    "$T/trace" "$T/funcs" "$T/hits.$n" "$bin" "$bin" --root "$T/state" "$@" </dev/null >/dev/null
}
if [ -z "$check" ]; then
    traced run -b "$T/u" c0 || true
    log=(--log "$T/log.json" --log-format json)
    # Not traced: the created process waits for `start`, and a traced process must not outlive the tracer.
    "$bin" --root "$T/state" "${log[@]}" create -b "$T/b" --pid-file "$T/pid" c1 </dev/null
    traced "${log[@]}" start c1
    traced state c1
    traced list
    traced list --format json
    traced "${log[@]}" exec --process "$T/process.json" --pid-file "$T/epid" c1
    traced "${log[@]}" exec -d c1 sleep 1
    traced ps --format json c1
    traced "${log[@]}" kill c1 KILL
    sleep 0.2
    traced "${log[@]}" delete -f c1
fi
# run last for --check (and first in the order for a new list): the command the benchmark times.
jq '.process.args = ["true"]' "$T/b/config.json" > "$T/c" && mv "$T/c" "$T/b/config.json"
traced run -b "$T/b" c2

# First-run order over all commands, each function once.
cat $(for i in $(seq 1 "$n"); do echo "$T/hits.$i"; done) | awk '!seen[$0]++' > "$T/hits"
if [ -n "$check" ]; then
    total=$(wc -l < "$T/hits.$n")
    covered=$(awk 'FILENAME == ARGV[1] { want[$0] = 1; next }
                   FILENAME == ARGV[2] { names[$1] = names[$1] " " $2; next }
                   { n = split(names[$1], a, " "); ok = 0
                     for (i = 1; i <= n; i++) if (want[".text." a[i]] || want[".text.startup." a[i]]) ok = 1
                     c += ok }
                   END { print c + 0 }' "$list" "$T/syms" "$T/hits.$n")
    pct=$((100 * covered / total))
    echo "hot-functions: $covered of the $total functions \`run\` executes are in src/hot-sections.txt ($pct%)"
    [ "$pct" -ge "$check" ] || { echo "hot-functions: below $check%: run scripts/hot-functions.sh and commit src/hot-sections.txt" >&2; exit 1; }
    exit 0
fi
# Section names: .text.NAME for every function (-ffunction-sections), .text.startup.NAME for main and
# the static initialisers.
awk 'NR == FNR { names[$1] = names[$1] " " $2; next }
     { n = split(names[$1], a, " "); for (i = 1; i <= n; i++) {
           s = (a[i] == "main" || a[i] ~ /^_GLOBAL__sub_I_/) ? ".text.startup." : ".text."
           if (!done[s a[i]]++) print s a[i] } }' "$T/syms" "$T/hits" > "$list"
echo "hot-functions: $(wc -l < "$T/hits") functions over $n commands -> $(wc -l < "$list") sections in src/hot-sections.txt"
