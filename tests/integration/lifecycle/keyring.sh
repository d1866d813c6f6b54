#!/bin/bash
# The session keyring: by default the container process gets a new session keyring named after the container
# (so it cannot reach the caller's keys); `create --no-new-keyring` keeps the caller's.
. "$(dirname "$0")/../lib.sh"

# keyrings_seen NAME [RUN FLAGS...]: runs a container with /proc/keys unmasked; prints the keyrings it sees
# and sets id.
keyrings_seen() {
    local name=$1 b
    shift
    b=$(new_bundle "$name" sh -c 'grep -E " keyring +[^ ]+:" /proc/keys')
    cfg "$b" '.linux.maskedPaths -= ["/proc/keys"]'
    id=$(new_id "$name")
    rt run "$@" -b "$b" "$id"
}

test_new_session_keyring() {
    requires_cmd run
    local id out
    out=$(keyrings_seen keyring)
    echo "$out"
    assert_contains "$out" " $(new_id keyring):" "a keyring named after the container"
}

test_no_new_keyring() {
    requires_cmd run
    local id out
    out=$(keyrings_seen nokeyring --no-new-keyring)
    echo "$out"
    assert_not_contains "$out" " $(new_id nokeyring):" "a keyring named after the container"
}

run_test "the container process gets a session keyring of its own" test_new_session_keyring
run_test "--no-new-keyring keeps the caller's session keyring" test_no_new_keyring
finish
