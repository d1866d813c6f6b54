#!/bin/bash
# CVE-2025-52881 class: the runtime's writes to /proc must not be redirected by a mount over a /proc file.
# A container that joins a mount namespace prepared by someone else (here: a bind mount of a decoy file over
# /proc/sys/kernel/domainname) still gets its sysctl applied to its own UTS namespace, and the decoy is
# never written: ocirt writes through a private procfs instance. (net.* sysctls would not show it: their
# /proc/sys entries are looked up per network namespace, so a mount over the host's entry does not cover the
# container's.)
. "$(dirname "$0")/../lib.sh"

test_sysctl_not_redirected() {
    requires_cmd run
    local b out decoy=$IT_TMP/decoy
    echo decoy > "$decoy"
    OCIRT_IT_TAG=$IT_PREFIX unshare --mount --propagation private \
        sh -c 'mount --bind "$1" /proc/sys/kernel/domainname && exec sleep 1000' - "$decoy" &
    holder=$!   # global: the EXIT trap runs after this function has returned
    trap 'kill -KILL $holder 2>/dev/null || true; wait $holder 2>/dev/null || true' EXIT
    for _ in $(seq 50); do grep -q domainname "/proc/$holder/mountinfo" 2>/dev/null && break; sleep 0.05; done
    grep -q domainname "/proc/$holder/mountinfo" || fail "the decoy mount did not appear"
    b=$(new_bundle sysctl cat /proc/sys/kernel/domainname)
    cfg "$b" '.linux.sysctl = {"kernel.domainname": "sysctl-test"}
              | .linux.namespaces |= map(if .type == "mount" then .path = $ns else . end)' \
        --arg ns "/proc/$holder/ns/mnt"
    out=$(rt run -b "$b" "$(new_id sysctl)" 2>&1)
    echo "container: $out"
    assert_eq "$out" sysctl-test "kernel.domainname inside the container"
    echo "decoy: $(cat "$decoy")"
    assert_eq "$(cat "$decoy")" decoy "the decoy file mounted over /proc/sys/kernel/domainname"
}

run_test "a sysctl is written through ocirt's own procfs, not a /proc file mounted over" test_sysctl_not_redirected
finish
