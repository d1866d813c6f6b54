#!/bin/bash
# Rootless: an unprivileged user runs containers from `ocirt spec --rootless` bundles. State goes under
# $XDG_RUNTIME_DIR/ocirt, the user's own uid is mapped directly, subordinate ranges (/etc/subuid, /etc/subgid)
# go through newuidmap/newgidmap, and nothing needs root. The file creates a user of its own
# (ocirt-rl-<pid>, with its own subordinate range) and removes it, and its subordinate ranges, at the end.
. "$(dirname "$0")/../lib.sh"

RL_USER=ocirt-rl-$$
RL_SUB=300000   # subordinate range start: 65536 ids of our own
RL_HOME=$(mktemp -d /tmp/ocirt-rootless.XXXXXX)
chmod 755 "$RL_HOME"

rl_cleanup() {
    local p
    for p in $(pgrep -u "$RL_USER" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    userdel "$RL_USER" > /dev/null 2>&1
    sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid 2>/dev/null
    rm -rf "$RL_HOME"
    _final_cleanup
}
trap rl_cleanup EXIT

if ! command -v newuidmap > /dev/null; then
    "$IT_REPO/scripts/install-deps.sh" uidmap >&2 || skip_all "newuidmap (Debian's uidmap) cannot be installed"
fi
useradd -M -d "$RL_HOME" -s /bin/sh "$RL_USER" || skip_all "cannot create a test user"
sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
echo "$RL_USER:$RL_SUB:65536" >> /etc/subuid
echo "$RL_USER:$RL_SUB:65536" >> /etc/subgid
RL_UID=$(id -u "$RL_USER")
RL_GID=$(id -g "$RL_USER")
chown "$RL_USER:" "$RL_HOME"
# The runtime must be reachable by the user: every directory above it needs o+x.
d=$RUNTIME
while d=${d%/*}; [ -n "$d" ]; do
    [ $(( $(stat -c %a "$d") % 10 & 1 )) = 1 ] || skip_all "$d is not searchable by other users, so the test user cannot run $RUNTIME"
done

# rl CMD...: run as the test user, with XDG_RUNTIME_DIR in its home and the working directory there.
rl() {
    (cd "$RL_HOME" && timeout -k 5 "$RT_TIMEOUT" setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$RL_HOME" XDG_RUNTIME_DIR="$RL_HOME/run" "$@")
}

# rl_bundle NAME ARGS...: `ocirt spec --rootless` as the user in $RL_HOME/NAME, with a busybox rootfs.
rl_bundle() {
    local name=$1 dir=$RL_HOME/$1
    shift
    _make_rootfs_template
    mkdir -p "$dir"
    cp -a "$IT_ROOTFS_TEMPLATE" "$dir/rootfs"
    chown -R "$RL_USER:" "$dir"
    rl sh -c "cd $dir && exec \"\$0\" spec --rootless" "$RUNTIME"
    jq --arg tag "OCIRT_IT_TAG=$IT_PREFIX" '.process.terminal = false | .process.env += [$tag]
        | .process.args = $ARGS.positional' --args -- "$@" < "$dir/config.json" > "$dir/c" && mv "$dir/c" "$dir/config.json"
    chown "$RL_USER:" "$dir/config.json"
    echo "$dir"
}

test_rootless_lifecycle() {
    requires_cmd create start state exec kill delete
    mkdir -p "$RL_HOME/run" && chown "$RL_USER:" "$RL_HOME/run" && chmod 700 "$RL_HOME/run"
    local b id out
    b=$(rl_bundle life sleep 1000)
    id=$(new_id life)
    rl "$RUNTIME" create -b "$b" "$id"
    assert_file "$RL_HOME/run/ocirt/$id/state.json"
    assert_eq "$(stat -c %u "$RL_HOME/run/ocirt/$id")" "$RL_UID" "owner of the state directory"
    rl "$RUNTIME" start "$id"
    assert_eq "$(rl "$RUNTIME" state "$id" | jq -r .status)" running "status"
    out=$(rl "$RUNTIME" exec "$id" sh -c 'id -u; cat /proc/self/uid_map')
    echo "$out"
    assert_eq "$(echo "$out" | head -1)" 0 "uid inside the container"
    assert_eq "$(echo "$out" | sed -n 2p | tr -s ' ' | sed 's/^ //')" "0 $RL_UID 1" "uid_map"
    # The container's root is the user, nothing more, on the host.
    assert_eq "$(stat -c %u "/proc/$(rl "$RUNTIME" state "$id" | jq -r .pid)")" "$RL_UID" "host uid of the container process"
    rl "$RUNTIME" kill "$id" KILL
    for _ in $(seq 50); do [ "$(rl "$RUNTIME" state "$id" | jq -r .status)" = stopped ] && break; sleep 0.1; done
    rl "$RUNTIME" delete "$id"
    [ ! -e "$RL_HOME/run/ocirt/$id" ] || fail "the state directory is still there after delete"
}

test_rootless_subordinate_ranges() {
    requires_cmd run
    mkdir -p "$RL_HOME/run" && chown "$RL_USER:" "$RL_HOME/run" && chmod 700 "$RL_HOME/run"
    local b out
    b=$(rl_bundle ranges sh -c 'cat /proc/self/uid_map /proc/self/gid_map; mkdir /data/d')
    mkdir -m 777 "$b/data" && chown "$RL_USER:" "$b/data"
    jq --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson s "$RL_SUB" '
        .linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $s, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}, {containerID: 1, hostID: $s, size: 65536}]
        | .process.user = {uid: 1000, gid: 2000}
        | .mounts += [{destination: "/data", type: "bind", source: "data", options: ["rbind", "rw"]}]' \
        "$b/config.json" > "$b/c" && mv "$b/c" "$b/config.json"
    out=$(rl "$RUNTIME" run -b "$b" "$(new_id ranges)")
    echo "$out"
    assert_eq "$(echo "$out" | tr -s ' ' | sed 's/^ //' | sort -u | tr '\n' ';')" "0 $RL_UID 1;1 $RL_SUB 65536;" "uid_map"
    # uid 1000 in the container is RL_SUB + 999 on the host.
    assert_eq "$(stat -c %u:%g "$b/data/d")" "$((RL_SUB + 999)):$((RL_SUB + 1999))" "host owner of a directory made by uid 1000:2000"
}

test_rootless_range_not_granted() {
    requires_cmd run
    mkdir -p "$RL_HOME/run" && chown "$RL_USER:" "$RL_HOME/run" && chmod 700 "$RL_HOME/run"
    local b out id rc=0
    b=$(rl_bundle denied true)
    jq '.linux.uidMappings += [{containerID: 1, hostID: 500000, size: 10}]' "$b/config.json" > "$b/c" &&
        mv "$b/c" "$b/config.json"
    id=$(new_id denied)
    out=$(rl "$RUNTIME" run -b "$b" "$id" 2>&1) || rc=$?
    echo "$out"
    assert_ne "$rc" 0 "exit status"
    assert_contains "$out" "linux.uidMappings" "the error names the field"
    assert_contains "$out" "newuidmap" "the error names the helper"
    [ ! -e "$RL_HOME/run/ocirt/$id" ] || fail "a state directory was left behind"
}

run_test "rootless: create/start/state/exec/kill/delete as an unprivileged user, state in XDG_RUNTIME_DIR" test_rootless_lifecycle
run_test "rootless: subordinate uid/gid ranges through newuidmap/newgidmap" test_rootless_subordinate_ranges
run_test "rootless: a range the user was not granted fails clearly and leaves nothing" test_rootless_range_not_granted
finish
