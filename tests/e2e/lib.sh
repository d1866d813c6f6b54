# shellcheck shell=bash
# Shared by the end-to-end tests: which runtime to hand the client, TAP output, a busybox rootfs tarball.
# Commands are not wrapped in timeout(1) here (it cannot run shell functions): the clients' wrappers bound them.
#   check NAME CMD...           ok when CMD exits 0
#   check_status NAME CODE CMD... ok when CMD exits CODE
#   check_eq NAME ACTUAL EXPECTED
#   skip_rest REASON            the remaining tests are reported as skipped
# Output of failing commands is printed as `#` lines. finish_e2e prints the plan and sets the exit status.
set -u

E2E_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${BUILD_DIR:=build}"
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$E2E_REPO/$BUILD_DIR ;; esac
: "${OCIRT_BIN:=$BUILD_DIR/src/ocirt}"
: "${RUNTIME:=$OCIRT_BIN}"
if [[ $RUNTIME != */* ]]; then RUNTIME=$(command -v "$RUNTIME" || echo "$RUNTIME"); fi
: "${E2E_TIMEOUT:=120}"
E2E_N=0
E2E_FAILED=0
E2E_OUT=$(mktemp /tmp/ocirt-e2e-out.XXXXXX)
trap 'rm -f "$E2E_OUT"' EXIT   # the test's own cleanup trap replaces this one, and removes it too

_e2e_report() { # _e2e_report NAME OK(0|1) [DETAIL]
    E2E_N=$((E2E_N + 1))
    if [ "$2" = 0 ]; then
        echo "ok $E2E_N - $1"
    else
        E2E_FAILED=$((E2E_FAILED + 1))
        echo "not ok $E2E_N - $1"
        [ -z "${3:-}" ] || sed 's/^/#   /' <<<"$3"
        [ -s "$E2E_OUT" ] && tail -20 "$E2E_OUT" | sed 's/^/#   /'
    fi
    : > "$E2E_OUT"
}

check() {
    local name=$1 rc=0
    shift
    "$@" > "$E2E_OUT" 2>&1 < /dev/null || rc=$?
    _e2e_report "$name" $((rc != 0)) "'$*' exited $rc"
}

check_status() {
    local name=$1 want=$2 rc=0
    shift 2
    "$@" > "$E2E_OUT" 2>&1 < /dev/null || rc=$?
    _e2e_report "$name" $((rc != want)) "'$*' exited $rc, expected $want"
}

check_eq() {
    : > "$E2E_OUT"
    _e2e_report "$1" $(([ "$2" = "$3" ] && echo 0) || echo 1) "got '$2', expected '$3'"
}

skip_test() {
    E2E_N=$((E2E_N + 1))
    echo "ok $E2E_N - $1 # SKIP $2"
}

# e2e_rootfs_tar FILE: a tarball of the busybox rootfs, owned by root.
e2e_rootfs_tar() {
    local dir
    dir=$(mktemp -d /tmp/ocirt-e2e-rootfs.XXXXXX)
    "$E2E_REPO/scripts/make-rootfs.sh" "$dir" >&2
    chmod 755 "$dir"   # mktemp's 0700 would become the image's /, closed to every uid but 0
    tar -C "$dir" --numeric-owner --owner=0 --group=0 -cf "$1" .
    rm -rf "$dir"
}

finish_e2e() {
    rm -f "$E2E_OUT"
    echo "1..$E2E_N"
    [ "$E2E_FAILED" = 0 ]
}

# e2e_require_cmds CMD...: skip the whole file while the runtime marks one of CMD "not implemented" in its help
# (ocirt's unfinished commands do); clients cannot do anything useful with a runtime that lacks them.
e2e_require_cmds() {
    local c
    for c in "$@"; do
        if ! runtime_has "$c"; then
            echo "1..0 # SKIP $(basename "$RUNTIME") does not implement '$c' yet"
            exit 0
        fi
    done
}

# runtime_has CMD: the runtime lists CMD among its commands in --help, not marked "not implemented".
runtime_has() {
    "$RUNTIME" --help 2>&1 | grep -E "^ +$1([ ,]|$)" | grep -qvi 'not implemented'
}
