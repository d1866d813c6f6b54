# shellcheck shell=bash
# Helpers for ocirt's bash integration tests. Source it from a test file, declare test functions, register
# them with run_test, and end with finish:
#
#   #!/bin/bash
#   . "$(dirname "$0")/../lib.sh"
#   test_hello() {
#       local b; b=$(new_bundle hello echo hi)
#       out=$(rt run -b "$b" "$(new_id hello)")
#       assert_eq "$out" "hi"
#   }
#   run_test "run prints the process's output" test_hello
#   finish
#
# Every test function runs in its own subshell with `set -e`; a failed assertion or command fails the test.
# The file prints TAP: `ok N - name`, `not ok N - name` (with the test's output as `#` lines), `ok N - name
# # SKIP reason`, and the plan `1..N` at the end. tests/integration/run sums the files.
#
# Environment:
#   RUNTIME      the runtime binary under test (default: OCIRT_BIN, i.e. the project's build/src/ocirt).
#                RUNTIME=runc or RUNTIME=crun runs the same tests against another runtime, to check the tests.
#   BUILD_DIR    build directory relative to the repository (default: build)
#   RT_TIMEOUT   seconds any one runtime command may take (default: 60)
#   IT_VERBOSE=1 print the output of passing tests too
#
# What a test gets:
#   rt ARGS...              the runtime with a private --root ($IT_ROOT), bounded by RT_TIMEOUT
#   new_id NAME             a container id unique to this file ("oit<pid>-NAME"); leak checks look for it
#   new_bundle NAME [ARGS]  a fresh busybox bundle under $IT_TMP, process.args=ARGS (default: true); prints its path
#   cfg BUNDLE JQ [JQARGS]  edit BUNDLE/config.json with a jq filter (`cfg "$b" '.process.cwd=$d' --arg d /tmp`)
#   state_of ID [FIELD]     `rt state ID`, or one field of it (status, pid, ...)
#   wait_status ID STATUS   poll `rt state` until the status matches (5 s)
#   run_refused B ID TEXT.. `rt run` must fail, naming every TEXT, and leave no state
#   requires_cmd CMD...     skip the test if the runtime does not implement CMD yet
#   skip REASON             end the test as skipped
#   assert_eq A B [MSG], assert_ne, assert_contains HAYSTACK NEEDLE, assert_not_contains,
#   assert_status CODE CMD..., assert_ok CMD..., assert_fails CMD..., assert_file FILE, fail MSG
#
# Cleanup: after every test, containers left in $IT_ROOT are deleted with `rt delete --force`; then anything the
# runtime failed to remove (processes of test containers, mounts under $IT_TMP, cgroups or state
# entries named after our ids) is reported as a leak, which fails that test, and removed by force. On exit
# (even after a failure or a signal) $IT_TMP is unmounted and deleted. A test that sets linux.cgroupsPath
# should put the container id (new_id) in it, e.g. "/$id" or "/ocirt-test/$id", so that the leak check sees
# the cgroup; a test that mounts something itself must unmount it (mounts under $IT_TMP count as leaks).

set -u

IT_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${BUILD_DIR:=build}"
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$IT_REPO/$BUILD_DIR ;; esac
: "${OCIRT_BIN:=$BUILD_DIR/src/ocirt}"
: "${RUNTIME:=$OCIRT_BIN}"
if [[ $RUNTIME != */* ]]; then RUNTIME=$(command -v "$RUNTIME" || echo "$RUNTIME"); fi
: "${RT_TIMEOUT:=60}"
: "${IT_VERBOSE:=0}"

IT_FILE=${0##*/}
IT_PREFIX="oit$$"
IT_TMP=$(mktemp -d /tmp/ocirt-it.XXXXXX)
IT_ROOT=$IT_TMP/state
IT_ROOTFS_TEMPLATE=$IT_TMP/rootfs-template
mkdir -p "$IT_ROOT" "$IT_TMP/bundles"
IT_N=0
IT_FAILED=0
IT_SKIPPED=0
declare -A IT_CMD_CACHE=()

# ---------------------------------------------------------------------------------------------------------
# Runtime wrapper and fixtures

rt() {
    timeout -k 5 "$RT_TIMEOUT" "$RUNTIME" --root "$IT_ROOT" "$@"
}

new_id() {
    echo "${IT_PREFIX}-${1:?new_id NAME}"
}

_make_rootfs_template() {
    [ -d "$IT_ROOTFS_TEMPLATE" ] && return 0
    "$IT_REPO/scripts/make-rootfs.sh" "$IT_ROOTFS_TEMPLATE" >&2
}

# The config every test starts from: close to `runc spec`, not interactive, writable rootfs, process `true`.
_default_config() {
    cat <<'JSON'
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ "true" ],
    "env": [ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root" ],
    "cwd": "/",
    "capabilities": {
      "bounding":  [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
    },
    "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
    "noNewPrivileges": true
  },
  "root": { "path": "rootfs", "readonly": false },
  "hostname": "ocirt-test",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
      "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
      "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
    { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
      "options": [ "nosuid", "noexec", "nodev" ] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs",
      "options": [ "nosuid", "noexec", "nodev", "ro" ] }
  ],
  "linux": {
    "resources": { "devices": [ { "allow": false, "access": "rwm" } ] },
    "namespaces": [
      { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" }
    ],
    "maskedPaths": [ "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware" ],
    "readonlyPaths": [ "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" ]
  }
}
JSON
}

# new_bundle NAME [ARGS...]: a bundle directory with a private copy of the busybox rootfs.
new_bundle() {
    local name=${1:?new_bundle NAME [ARGS...]}
    shift
    local dir=$IT_TMP/bundles/$name
    _make_rootfs_template
    rm -rf "$dir"
    mkdir -p "$dir"
    cp -a "$IT_ROOTFS_TEMPLATE" "$dir/rootfs"
    [ $# -gt 0 ] || set -- true
    _default_config | jq --arg tag "OCIRT_IT_TAG=$IT_PREFIX" \
        '.process.env += [$tag] | .process.args = $ARGS.positional' --args -- "$@" > "$dir/config.json"
    echo "$dir"
}

# cfg BUNDLE FILTER [JQ ARGS...]: rewrite BUNDLE/config.json through a jq filter.
cfg() {
    local b=${1:?cfg BUNDLE FILTER}
    local filter=${2:?cfg BUNDLE FILTER}
    shift 2
    jq "$@" "$filter" "$b/config.json" > "$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

state_of() {
    local id=$1 field=${2:-}
    if [ -z "$field" ]; then
        rt state "$id"
    else
        rt state "$id" | jq -r --arg f "$field" '.[$f]'
    fi
}

# wait_status ID STATUS [TENTHS]: poll until `state` reports STATUS.
wait_status() {
    local id=$1 want=$2 tries=${3:-50} st=""
    while [ "$tries" -gt 0 ]; do
        st=$(state_of "$id" status 2>/dev/null || true)
        [ "$st" = "$want" ] && return 0
        sleep 0.1
        tries=$((tries - 1))
    done
    fail "container $id: status is '$st', expected '$want'"
}

# wait_file FILE [TENTHS]: poll until FILE exists and is not empty.
wait_file() {
    local f=$1 tries=${2:-50}
    while [ "$tries" -gt 0 ]; do
        [ -s "$f" ] && return 0
        sleep 0.1
        tries=$((tries - 1))
    done
    fail "file $f did not appear"
}

# run_refused BUNDLE ID TEXT...: `rt run` must fail with every TEXT in its output and leave no state entry.
run_refused() {
    local b=$1 id=$2 out rc=0 t
    shift 2
    out=$(rt run -b "$b" "$id" 2>&1) || rc=$?
    echo "$out"
    [ "$rc" != 0 ] || fail "run of $id succeeded but should have been refused"
    for t in "$@"; do assert_contains "$out" "$t" "the refusal"; done
    [ ! -e "$IT_ROOT/$id" ] || fail "state left behind for $id"
}

# ---------------------------------------------------------------------------------------------------------
# Skipping

skip() {
    echo "$*" > "$IT_TMP/.skip"
    exit 77
}

# requires_cmd CMD...: skip unless the runtime implements every CMD: its --help lists CMD as a command and
# does not mark it "not implemented" (as ocirt marks unfinished commands).
requires_cmd() {
    local c
    for c in "$@"; do
        if [ -z "${IT_CMD_CACHE[$c]+x}" ]; then
            if "$RUNTIME" --help 2>&1 | grep -E "^ +$c([ ,]|$)" | grep -qvi 'not implemented'; then
                IT_CMD_CACHE[$c]=yes
            else
                IT_CMD_CACHE[$c]=no
            fi
        fi
        [ "${IT_CMD_CACHE[$c]}" = yes ] || skip "$(basename "$RUNTIME") does not implement '$c' yet"
    done
}

# ---------------------------------------------------------------------------------------------------------
# Assertions: each prints what went wrong to stderr and fails the test.

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

assert_eq() {
    [ "$1" = "$2" ] || fail "${3:-values differ}: got '$1', expected '$2'"
}

assert_ne() {
    [ "$1" != "$2" ] || fail "${3:-values equal}: both are '$1'"
}

assert_contains() {
    [[ $1 == *"$2"* ]] || fail "${3:-missing text}: '$2' not in: $1"
}

assert_not_contains() {
    [[ $1 != *"$2"* ]] || fail "${3:-unexpected text}: '$2' found in: $1"
}

assert_file() {
    [ -e "$1" ] || fail "file $1 does not exist"
}

# assert_status CODE CMD...: run CMD, demand exit status CODE. Its output goes to the test log.
assert_status() {
    local want=$1 rc=0
    shift
    "$@" || rc=$?
    [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want"
}

assert_ok() {
    local rc=0
    "$@" || rc=$?
    [ "$rc" = 0 ] || fail "'$*' failed with status $rc"
}

assert_fails() {
    local rc=0
    "$@" || rc=$?
    [ "$rc" != 0 ] || fail "'$*' succeeded but should have failed"
}

# ---------------------------------------------------------------------------------------------------------
# Cleanup and leak detection

_our_state_entries() {
    local e
    for e in "$IT_ROOT"/*; do
        [ -e "$e" ] || continue
        case ${e##*/} in "$IT_PREFIX"-*) echo "$e" ;; esac
    done
}

_our_cgroups() {
    find /sys/fs/cgroup -maxdepth 6 -type d -name "${IT_PREFIX}-*" 2>/dev/null | sort -r
}

_our_mounts() {
    # Mount points in our namespace at or below $IT_TMP, deepest first.
    awk -v t="$IT_TMP" '$5 == t || index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

_our_processes() {
    # A pivoted container process shows "/" as its root from here, so look for what marks it as ours: the
    # tag that new_bundle puts in its environment, or a cgroup named after one of our ids.
    { grep -l -z -x "OCIRT_IT_TAG=$IT_PREFIX" /proc/[0-9]*/environ 2>/dev/null
      grep -l "/$IT_PREFIX-" /proc/[0-9]*/cgroup 2>/dev/null; } | cut -d/ -f3 | sort -u |
        while read -r p; do
            # Zombies are waiting for their parent, not running.
            [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" = Z ] || echo "$p"
        done
}

# _cleanup_containers: delete what the runtime knows, then report and remove what it left. Prints leaks.
_cleanup_containers() {
    local id e m p c
    for e in "$IT_ROOT"/*; do
        [ -e "$e" ] || continue
        id=${e##*/}
        timeout -k 5 30 "$RUNTIME" --root "$IT_ROOT" delete --force "$id" >/dev/null 2>&1 || true
    done
    # Give a killed init a moment to be reaped and its cgroup to empty.
    for _ in $(seq 20); do
        [ -z "$(_our_processes)" ] && break
        sleep 0.1
    done
    for p in $(_our_processes); do
        local cmd
        # 2>/dev/null before the input redirection: bash reports a failed `<` on the stderr of that moment.
        cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue   # it has just exited
        echo "leak: process $p ($cmd) of a test container still runs"
        kill -KILL "$p" 2>/dev/null || true
    done
    for m in $(_our_mounts); do
        echo "leak: mount $m"
        umount -l "$m" 2>/dev/null || true
    done
    for c in $(_our_cgroups); do
        echo "leak: cgroup $c"
        # Processes still inside: kill them, then the directory can go.
        if [ -f "$c/cgroup.procs" ]; then
            xargs -r kill -KILL < "$c/cgroup.procs" 2>/dev/null || true
        fi
    done
    for c in $(_our_cgroups); do
        for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$c" 2>/dev/null && break; sleep 0.1; done
    done
    for e in $(_our_state_entries); do
        echo "leak: state entry $e"
        rm -rf "$e"
    done
}

_final_cleanup() {
    local rc=$?
    _cleanup_containers >/dev/null 2>&1 || true
    local m
    for m in $(_our_mounts); do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$IT_TMP"
    return $rc
}
trap _final_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------------
# Running tests

# run_test NAME FUNCTION: run FUNCTION in a subshell with set -e, print its TAP line, then clean up.
# Do not call run_test inside `if`, `&&` or `||`: bash would switch set -e off in the test.
run_test() {
    local name=$1 fn=$2 rc log=$IT_TMP/.log leaks
    IT_N=$((IT_N + 1))
    rm -f "$IT_TMP/.skip"
    local t0=$SECONDS
    (
        set -eE -o pipefail
        trap 'echo "failed at line $LINENO: $BASH_COMMAND" >&2' ERR
        cd "$IT_TMP"
        "$fn"
    ) > "$log" 2>&1 < /dev/null
    rc=$?   # not `|| rc=$?`: that would switch set -e off inside the subshell
    leaks=$(_cleanup_containers 2>&1)
    local dt=$((SECONDS - t0))
    if [ "$rc" = 77 ]; then
        IT_SKIPPED=$((IT_SKIPPED + 1))
        echo "ok $IT_N - $name # SKIP $(cat "$IT_TMP/.skip" 2>/dev/null)"
    elif [ "$rc" = 0 ] && [ -z "$leaks" ]; then
        echo "ok $IT_N - $name (${dt}s)"
        [ "$IT_VERBOSE" = 1 ] && sed 's/^/#   /' "$log"
    else
        IT_FAILED=$((IT_FAILED + 1))
        echo "not ok $IT_N - $name (${dt}s)"
        sed 's/^/#   /' "$log"
        [ -z "$leaks" ] || sed 's/^/#   /' <<<"$leaks"
        [ "$rc" = 124 ] && echo "#   (a runtime command timed out after ${RT_TIMEOUT}s)"
    fi
    rm -f "$log"
    return 0
}

# skip_all REASON: the whole file cannot run here.
skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

finish() {
    echo "1..$IT_N"
    [ "$IT_FAILED" = 0 ]
}

# Preconditions shared by every file.
[ "$(id -u)" = 0 ] || skip_all "integration tests need root"
command -v jq >/dev/null || skip_all "jq is not installed (apt-get install jq)"
[ -x "$RUNTIME" ] || skip_all "runtime $RUNTIME not found (build it first: ninja -C build)"
