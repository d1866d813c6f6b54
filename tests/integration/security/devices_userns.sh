#!/bin/bash
# linux.devices in a user namespace: mknod is not allowed there, so ocirt bind-mounts the host's node at the
# same path, and only when it is the device the config names. A config that asks for a host disk under a
# harmless name (/dev/zero as the disk's block major:minor) gets a clear error, not the disk and not a
# silently different device, and leaves nothing behind.
. "$(dirname "$0")/../lib.sh"

userns_bundle() {
    local b
    b=$(new_bundle "$@")
    cfg "$b" '.linux.namespaces += [{type: "user"}]
              | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
              | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
              | .root.readonly = true'
    chown -R 100000:100000 "$b/rootfs"
    chmod 755 "$IT_TMP" "$IT_TMP/bundles" "$b"   # the namespace's root (host uid 100000) must reach the rootfs
    echo "$b"
}

test_disk_under_harmless_name() {
    requires_cmd run
    local b disk
    disk=$(mountpoint -d /)   # the root filesystem's block device, MAJOR:MINOR
    b=$(userns_bundle disk true)
    cfg "$b" '.linux.devices = [{path: "/dev/zero", type: "b", major: ($d | split(":")[0] | tonumber),
                                 minor: ($d | split(":")[1] | tonumber)}]' --arg d "$disk"
    run_refused "$b" "$(new_id disk)" /dev/zero "different device"
}

test_host_disk_refused() {
    requires_cmd run
    local b disk name
    disk=$(mountpoint -d /)
    name=$(sed -n 's/^DEVNAME=//p' "/sys/dev/block/$disk/uevent")
    [ -b "/dev/$name" ] || skip "no /dev node for the root disk ($disk)"
    b=$(userns_bundle hostdisk true)
    cfg "$b" '.linux.devices = [{path: $p, type: "b", major: ($d | split(":")[0] | tonumber),
                                 minor: ($d | split(":")[1] | tonumber)}]' --arg d "$disk" --arg p "/dev/$name"
    run_refused "$b" "$(new_id hostdisk)" "/dev/$name" "host disk"
}

test_matching_device_is_bound() {
    requires_cmd run
    local b out
    b=$(userns_bundle devok sh -c 'ls -l /dev/zero | cut -c1; head -c 4 /dev/zero | od -An -tx1')
    cfg "$b" '.linux.devices = [{path: "/dev/zero", type: "c", major: 1, minor: 5}]
              | .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 5, access: "rwm"}]'
    out=$(rt run -b "$b" "$(new_id devok)" 2>&1)
    echo "$out"
    assert_eq "$(echo $out)" "c 00 00 00 00" "the bound /dev/zero"
}

run_test "user namespace: a host disk asked for under a harmless device name is refused clearly" test_disk_under_harmless_name
run_test "user namespace: the host's own disk (its real path and numbers) is refused clearly" test_host_disk_refused
run_test "user namespace: a device that matches the host's node is bind-mounted and works" test_matching_device_is_bound
finish
