#!/bin/bash
# The session keyring: by default the container process gets a new session keyring named after the container
# (so it cannot reach the caller's keys); `create --no-new-keyring` keeps the caller's.
. "$(dirname "$0")/../lib.sh"


test_new_session_keyring() {
    requires_cmd run
    local b id out
    b=$(new_bundle keyring sh -c 'grep -E " keyring +[^ ]+:" /proc/keys')
    cfg "$b" '.linux.maskedPaths -= ["/proc/keys"]'
    id=$(new_id keyring)
    out=$(rt run -b "$b" "$id")
    echo "$out"
    assert_contains "$out" " $id:" "a keyring named after the container"
}

test_no_new_keyring() {
    requires_cmd run
    local b id out
    b=$(new_bundle nokeyring sh -c 'grep -E " keyring +[^ ]+:" /proc/keys')
    cfg "$b" '.linux.maskedPaths -= ["/proc/keys"]'
    id=$(new_id nokeyring)
    out=$(rt run --no-new-keyring -b "$b" "$id")
    echo "$out"
    assert_not_contains "$out" " $id:" "a keyring named after the container"
}

run_test "the container process gets a session keyring of its own" test_new_session_keyring
run_test "--no-new-keyring keeps the caller's session keyring" test_no_new_keyring
finish
