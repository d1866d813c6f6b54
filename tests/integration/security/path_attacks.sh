#!/bin/bash
# Images that put symlinks where the runtime mounts or opens things (CVE-2021-30465, CVE-2025-31133,
# CVE-2025-52565 and their kind), and configs with escaping paths. Each test runs a real container from such
# an image and checks that nothing was redirected: mounts land inside the rootfs, a masked path is covered by
# the real null device or the container is refused, /dev/ptmx is ours, and bad paths are clear errors.
. "$(dirname "$0")/../lib.sh"

# image_dev BUNDLE: the container uses the image's /dev (no tmpfs over it), so the image's symlinks are seen.
image_dev() { cfg "$1" '.mounts |= map(select(.destination != "/dev" and .destination != "/dev/pts"))'; }

test_mount_destination_symlinks() {
    requires_cmd run
    local b out
    b=$(new_bundle mdest sh -c 'grep -E " /(etc|srv) " /proc/mounts | cut -d" " -f2,3 | sort; readlink /data; readlink /data2')
    ln -s /etc "$b/rootfs/data"                          # absolute: the host's /etc if followed
    mkdir -p "$b/rootfs/srv"
    ln -s ../../../../../../../../srv "$b/rootfs/data2"  # relative, climbing past /
    cfg "$b" '.mounts += [{destination: "/data", type: "tmpfs", source: "tmpfs"},
                          {destination: "/data2", type: "tmpfs", source: "tmpfs"}]'
    out=$(rt run -b "$b" "$(new_id mdest)" 2>&1) || true
    echo "$out"
    # Resolved inside the rootfs: the tmpfs covers the container's own /etc and /srv; the links are intact.
    assert_eq "$(echo $out)" "/etc tmpfs /srv tmpfs /etc ../../../../../../../../srv" "mounts and links in the container"
}

test_masked_path_with_fake_dev_null() {
    requires_cmd run
    local b id out rc=0 before
    before=$(cat /proc/sys/kernel/domainname)
    b=$(new_bundle fakenull sh -c 'echo pwned > /proc/keys; cat /proc/sys/kernel/domainname')
    image_dev "$b"
    mkdir -p "$b/rootfs/dev"
    rm -f "$b/rootfs/dev/null"
    ln -s /proc/sys/kernel/domainname "$b/rootfs/dev/null"   # a writable kernel file posing as /dev/null
    # /proc/sys left writable: if the mask were the kernel file, the write through /proc/keys would land.
    cfg "$b" '.linux.maskedPaths = ["/proc/keys"] | .linux.readonlyPaths -= ["/proc/sys"]'
    id=$(new_id fakenull)
    out=$(rt run -b "$b" "$id" 2>&1) || rc=$?
    echo "$out"
    assert_eq "$(cat /proc/sys/kernel/domainname)" "$before" "the host's domainname"
    if [ "$rc" = 0 ]; then
        # Allowed only if the mask really was the null device: the write went nowhere.
        assert_not_contains "$out" pwned "domainname seen through the mask"
    else
        assert_contains "$out" "/dev/null" "the refusal names /dev/null"
        [ ! -e "$IT_ROOT/$id" ] || fail "state left behind"
    fi
}

test_masked_path_is_real_null() {
    requires_cmd run
    local b out
    b=$(new_bundle realnull sh -c 'stat -c "%F %t:%T" /proc/keys')
    cfg "$b" '.linux.maskedPaths = ["/proc/keys"]'
    out=$(rt run -b "$b" "$(new_id realnull)" 2>&1)
    assert_eq "$out" "character special file 1:3" "what covers a masked file"
}

test_ptmx_symlink() {
    requires_cmd run
    local b out
    b=$(new_bundle ptmx sh -c 'readlink /dev/ptmx; grep " /dev/pts " /proc/mounts | cut -d" " -f3')
    image_dev "$b"
    cfg "$b" '.mounts += [{destination: "/dev/pts", type: "devpts", source: "devpts",
                           options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
    mkdir -p "$b/rootfs/dev"
    rm -f "$b/rootfs/dev/ptmx"
    ln -s /etc/shadow "$b/rootfs/dev/ptmx"
    out=$(rt run -b "$b" "$(new_id ptmx)" 2>&1) || true
    echo "$out"
    assert_eq "$(echo $out)" "pts/ptmx devpts" "/dev/ptmx and /dev/pts in the container"
}

test_bad_paths_are_clear_errors() {
    requires_cmd run
    local b
    b=$(new_bundle badpath true)
    cfg "$b" '.mounts += [{destination: "/../../../tmp/evil", type: "tmpfs", source: "tmpfs"}]'
    run_refused "$b" "$(new_id badpath)" 'destination: "/../../../tmp/evil" has a ".." component'
    b=$(new_bundle badhook true)
    cfg "$b" '.hooks.prestart = [{path: "bin/true"}]'
    run_refused "$b" "$(new_id badhook)" 'hooks.prestart[0].path: "bin/true" is not an absolute path'
}

run_test "mount destinations symlinked out of the rootfs are resolved inside it" test_mount_destination_symlinks
run_test "a /dev/null symlinked to a kernel file is never used to mask paths" test_masked_path_with_fake_dev_null
run_test "a masked file is covered by the real null device (char 1:3)" test_masked_path_is_real_null
run_test "an image's /dev/ptmx symlink is replaced by pts/ptmx" test_ptmx_symlink
run_test "a .. mount destination and a relative hook path are clear errors" test_bad_paths_are_clear_errors
finish
