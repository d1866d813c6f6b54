#!/bin/bash
# AppArmor and SELinux labels on a host without that LSM: a clear error naming the field, and nothing left
# behind (a container that silently ran unconfined would be worse). Where the LSM is enabled the
# conformance suite (tests/oci-validation) checks that the label is applied.
. "$(dirname "$0")/../lib.sh"

lsm_enabled() { grep -qw "$1" /sys/kernel/security/lsm 2>/dev/null; }

expect_refusal() { # NAME JQ-FILTER FIELD LSM
    local b
    b=$(new_bundle "$1" true)
    cfg "$b" "$2"
    run_refused "$b" "$(new_id "$1")" "$3" "$4 is not enabled"
}

test_apparmor_missing() {
    requires_cmd run
    ! lsm_enabled apparmor || skip "AppArmor is enabled here"
    expect_refusal aa '.process.apparmorProfile = "ocirt-test"' process.apparmorProfile AppArmor
}

test_selinux_missing() {
    requires_cmd run
    ! lsm_enabled selinux || skip "SELinux is enabled here"
    expect_refusal se '.process.selinuxLabel = "system_u:system_r:container_t:s0"' process.selinuxLabel SELinux
    expect_refusal ml '.linux.mountLabel = "system_u:object_r:container_file_t:s0"' linux.mountLabel SELinux
}

run_test "an AppArmor profile on a host without AppArmor is a clear error" test_apparmor_missing
run_test "SELinux labels on a host without SELinux are clear errors" test_selinux_missing
finish
