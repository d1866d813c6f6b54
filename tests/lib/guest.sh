# shellcheck shell=bash
# For the scripts whose checks run in ../shared/tools/cgroup2-vm guests (tests/cgroups/v2-vm.sh,
# tests/checkpoint/criu-vm.sh and podman-guest.sh): the defaults they share, and on the host, boot a guest and
# count its result lines; in the guest, run one check. Source it after setting repo (the repository's root).
: "${BUILD_DIR:=build}"
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$repo/$BUILD_DIR ;; esac
: "${OCIRT_BIN:=$BUILD_DIR/src/ocirt}"
: "${CGROUP2_VM:=$(dirname "$repo")/shared/tools/cgroup2-vm}"  # ../shared beside the clone
GUEST_PASS=0 GUEST_FAIL=0 GUEST_SKIP=0

# check NAME CMD... (guest side): runs CMD in a subshell with set -e and prints `ok - NAME (N s)` or
# `not ok - NAME (N s)` with CMD's output as `#   ` lines.
check() {
    local name=$1 out rc t0=$SECONDS
    shift
    # Not inside an `if`: there, bash would ignore set -e in the subshell too.
    out=$( (set -e; "$@") 2>&1)
    rc=$?
    if [ "$rc" = 0 ]; then
        echo "ok - $name ($((SECONDS - t0)) s)"
    else
        echo "not ok - $name ($((SECONDS - t0)) s)"
        sed 's/^/#   /' <<<"$out"
    fi
}

# guest_run NAME CGROUP2_VM_ARGS...: runs the tool with the arguments (flags, --, the command), echoes each
# `ok - ...` / `not ok - ...` line of the guest and every other line as `# ...`, and adds them to the GUEST_*
# counts. A guest that printed no result or timed out counts as one failure.
guest_run() {
    local name=$1 out rc line seen=0 t0=$SECONDS
    shift
    out=$("$CGROUP2_VM" "$@" 2>&1)
    rc=$?
    echo "# $name guest: $((SECONDS - t0)) s"
    while IFS= read -r line; do
        case $line in
            "not ok"*) GUEST_FAIL=$((GUEST_FAIL + 1)); seen=1; echo "$line" ;;
            ok*"# SKIP"*) GUEST_SKIP=$((GUEST_SKIP + 1)); seen=1; echo "$line" ;;
            ok*) GUEST_PASS=$((GUEST_PASS + 1)); seen=1; echo "$line" ;;
            *) echo "# $line" ;;
        esac
    done <<<"$out"
    if [ "$seen" = 0 ] || [ "$rc" -ge 124 ]; then
        echo "not ok - the $name guest ran (status $rc)"
        GUEST_FAIL=$((GUEST_FAIL + 1))
    fi
}

# The closing line of a stage; fails when anything failed.
guest_summary() {
    echo "$GUEST_PASS passed, $GUEST_FAIL failed, $GUEST_SKIP skipped"
    [ "$GUEST_FAIL" = 0 ]
}
