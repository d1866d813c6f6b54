# shellcheck shell=bash
# For the scripts whose checks run in ../shared/tools/cgroup2-vm guests (tests/cgroups/v2-vm.sh,
# tests/checkpoint/criu-vm.sh): boot a guest, pass its result lines on and count them.
# Needs CGROUP2_VM (the tool's path).
GUEST_PASS=0 GUEST_FAIL=0 GUEST_SKIP=0

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
