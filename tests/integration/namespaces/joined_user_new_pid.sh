#!/bin/bash
# A container that joins another's user namespace by path and has a pid namespace of its own, as the
# containers of a Kubernetes pod with user namespaces do: its pid namespace must belong to the joined user
# namespace, so that its root can mount /proc and sees itself as pid 1 with the pod's id maps.
. "$(dirname "$0")/../lib.sh"

test_joined_user_new_pid() {
    requires_cmd run
    local sandbox app sid pid out
    chmod 755 "$IT_TMP" "$IT_TMP/bundles" 2>/dev/null || true
    sandbox=$(new_bundle sandbox sleep 1000)
    cfg "$sandbox" '.linux.namespaces += [{type: "user"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    chmod 755 "$sandbox"
    chown -R 100000:100000 "$sandbox/rootfs"
    sid=$(new_id sandbox)
    rt run -d -b "$sandbox" "$sid" < /dev/null
    pid=$(state_of "$sid" pid)
    app=$(new_bundle app sh -c 'echo pid=$$; cat /proc/self/uid_map; readlink /proc/self/ns/user')
    cfg "$app" '.linux.namespaces += [{type: "user", path: $u}]' --arg u "/proc/$pid/ns/user"
    chmod 755 "$app"
    chown -R 100000:100000 "$app/rootfs"
    out=$(rt run -b "$app" "$(new_id app)" 2>&1) || true
    echo "$out"
    assert_contains "$out" "pid=1" "the container's own pid namespace"
    assert_eq "$(sed -n 2p <<<"$out" | tr -s ' ' | sed 's/^ //')" "0 100000 65536" "the joined user namespace's map"
    assert_eq "$(sed -n 3p <<<"$out")" "$(readlink "/proc/$pid/ns/user")" "the user namespace"
}

run_test "joined user namespace + new pid namespace (Kubernetes pods with user namespaces)" test_joined_user_new_pid
finish
