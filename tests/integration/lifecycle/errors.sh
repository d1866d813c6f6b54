#!/bin/bash
# Wrong transitions and bad input: each must fail with a message, and leave nothing behind (the library's
# leak check runs after every test: no process, mount, cgroup or state entry may remain).
. "$(dirname "$0")/../lib.sh"

# expect_error CMD...: CMD must exit non-zero and say something on stderr.
expect_error() {
    local rc=0
    "$@" > "$IT_TMP/out" 2> "$IT_TMP/err" || rc=$?
    [ "$rc" != 0 ] || fail "'$*' succeeded but should have failed"
    [ -s "$IT_TMP/err" ] || [ -s "$IT_TMP/out" ] || fail "'$*' failed ($rc) without a message"
    echo "expected error from '$*': $(head -c 300 "$IT_TMP/err")"
}

test_start_twice() {
    requires_cmd create start state delete
    local b id
    b=$(new_bundle twice sleep 60)
    id=$(new_id twice)
    rt create -b "$b" "$id"
    rt start "$id"
    expect_error rt start "$id"
    assert_eq "$(state_of "$id" status)" running "still running after the failed start"
}

test_start_stopped() {
    requires_cmd create start state
    local b id
    b=$(new_bundle startstopped true)
    id=$(new_id startstopped)
    rt create -b "$b" "$id"
    rt start "$id"
    wait_status "$id" stopped
    expect_error rt start "$id"
}

test_delete_running_without_force() {
    requires_cmd create start state delete
    local b id
    b=$(new_bundle delrun sleep 60)
    id=$(new_id delrun)
    rt create -b "$b" "$id"
    rt start "$id"
    expect_error rt delete "$id"
    assert_eq "$(state_of "$id" status)" running "still running after the refused delete"
}

test_duplicate_id() {
    requires_cmd create state
    local b id
    b=$(new_bundle dup sleep 60)
    id=$(new_id dup)
    rt create -b "$b" "$id"
    expect_error rt create -b "$b" "$id"
    assert_eq "$(state_of "$id" status)" created "the first container is untouched"
}

test_unknown_container() {
    requires_cmd state start kill delete
    local id
    id=$(new_id nosuch)
    expect_error rt state "$id"
    expect_error rt start "$id"
    expect_error rt kill "$id" KILL
    expect_error rt delete "$id"
}

test_kill_stopped() {
    requires_cmd create start state kill
    local b id
    b=$(new_bundle killstopped true)
    id=$(new_id killstopped)
    rt create -b "$b" "$id"
    rt start "$id"
    wait_status "$id" stopped
    expect_error rt kill "$id" KILL
}

test_bad_signal() {
    requires_cmd create kill state
    local b id
    b=$(new_bundle badsig sleep 60)
    id=$(new_id badsig)
    rt create -b "$b" "$id"
    expect_error rt kill "$id" NOSUCHSIGNAL
    assert_eq "$(state_of "$id" status)" created
}

test_invalid_ids() {
    requires_cmd create
    local b bad
    b=$(new_bundle badid sleep 60)
    for bad in "a/b" ".." "../$IT_PREFIX-escape" ""; do
        expect_error rt create -b "$b" "$bad"
    done
    [ ! -e "$IT_TMP/$IT_PREFIX-escape" ] || fail "an id with .. created a directory outside --root"
}

# bad_config NAME JQ-FILTER: a bundle whose config has been broken by FILTER must be refused by create.
bad_config() {
    local b id
    b=$(new_bundle "$1" sleep 60)
    cfg "$b" "$2"
    id=$(new_id "$1")
    expect_error rt create -b "$b" "$id"
    [ ! -e "$IT_ROOT/$id" ] || fail "state entry left for $id"
}

test_bad_config_namespace() {
    requires_cmd create
    bad_config badns '.linux.namespaces += [{"type": "foo"}]'
}

test_bad_config_json() {
    requires_cmd create
    local b id
    b=$(new_bundle badjson sleep 60)
    echo '{"ociVersion": "1.0.2", "process": ' > "$b/config.json"
    id=$(new_id badjson)
    expect_error rt create -b "$b" "$id"
}

test_bad_config_missing() {
    requires_cmd create
    local b id
    b=$(new_bundle noconfig sleep 60)
    rm "$b/config.json"
    id=$(new_id noconfig)
    expect_error rt create -b "$b" "$id"
    expect_error rt create -b "$IT_TMP/no-such-bundle" "$id"
}

test_bad_config_rootfs() {
    requires_cmd create
    bad_config norootfs '.root.path = "no-such-rootfs"'
}

test_bad_config_relative_cwd() {
    requires_cmd create
    bad_config relcwd '.process.cwd = "relative/dir"'
}

test_bad_config_mount_type() {
    requires_cmd create
    bad_config badmount '.mounts += [{"destination": "/mnt", "type": "no-such-fs", "source": "none"}]'
}

test_bad_config_no_args() {
    requires_cmd create start
    local b id
    b=$(new_bundle noargs)
    cfg "$b" 'del(.process.args)'
    id=$(new_id noargs)
    # Refused at create, or at start at the latest (the spec requires args only when start runs).
    if rt create -b "$b" "$id" 2>/dev/null; then
        expect_error rt start "$id"
    fi
}

test_failing_prestart_hook() {
    requires_cmd create
    bad_config hookfail '.hooks.prestart = [{"path": "/bin/false"}]'
}

run_test "start on a running container fails" test_start_twice
run_test "start on a stopped container fails" test_start_stopped
run_test "delete of a running container without --force fails" test_delete_running_without_force
run_test "create with an id in use fails" test_duplicate_id
run_test "state, start, kill, delete of an unknown id fail" test_unknown_container
run_test "kill of a stopped container fails" test_kill_stopped
run_test "kill with an unknown signal fails" test_bad_signal
run_test "ids with /, .. or nothing are refused" test_invalid_ids
run_test "bad config: unknown namespace type" test_bad_config_namespace
run_test "bad config: invalid JSON" test_bad_config_json
run_test "bad config: no config.json, no bundle" test_bad_config_missing
run_test "bad config: missing rootfs" test_bad_config_rootfs
run_test "bad config: relative process.cwd" test_bad_config_relative_cwd
run_test "bad config: unknown filesystem type" test_bad_config_mount_type
run_test "bad config: no process.args" test_bad_config_no_args
run_test "a failing prestart hook fails create" test_failing_prestart_hook
finish
