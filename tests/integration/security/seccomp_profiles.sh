#!/bin/bash
# Docker's and Podman's default seccomp profiles (the fixtures of the unit tests) load in a real container:
# ordinary work runs, and unshare(CLONE_NEWUSER), which needs no capability but both profiles deny to a
# container without CAP_SYS_ADMIN, fails; without a profile the same container may do it.
. "$(dirname "$0")/../lib.sh"

PROGRAM='mkdir /tmp/d && echo work-ok; unshare -U true 2>/dev/null && echo unshare-allowed || echo unshare-denied'

run_with_profile() { # NAME PROFILE-FILE|none
    local b
    b=$(new_bundle "$1" sh -c "$PROGRAM")
    [ "$2" = none ] || cfg "$b" '.linux.seccomp = $p[0].linux.seccomp' --slurpfile p "$2"
    rt run -b "$b" "$(new_id "$1")"
}

test_profiles() {
    requires_cmd run
    local data=$IT_REPO/tests/unit/security/data out
    out=$(run_with_profile noprofile none)
    assert_eq "$(echo $out)" "work-ok unshare-allowed" "without a profile"
    out=$(run_with_profile docker "$data/docker-default.json")
    assert_eq "$(echo $out)" "work-ok unshare-denied" "Docker's default profile"
    out=$(run_with_profile podman "$data/podman-default.json")
    assert_eq "$(echo $out)" "work-ok unshare-denied" "Podman's default profile"
}

run_test "Docker's and Podman's default seccomp profiles load and deny what they deny" test_profiles
finish
