#!/bin/bash
# Global flags and command-line forms that containerd and Podman use: --log with --log-format json|text,
# Go-style single-dash long flags, kill --all.
. "$(dirname "$0")/../lib.sh"

test_log_json() {
    requires_cmd create
    local b id line
    b=$(new_bundle logjson sleep 60)
    cfg "$b" '.linux.namespaces += [{"type": "foo"}]'
    id=$(new_id logjson)
    assert_fails rt --log "$IT_TMP/log.json" --log-format json create -b "$b" "$id"
    assert_file "$IT_TMP/log.json"
    line=$(grep -m1 '"error"' "$IT_TMP/log.json") || fail "no error line in the JSON log: $(cat "$IT_TMP/log.json")"
    jq -e 'type == "object" and (.msg | type == "string") and (.time | type == "string") and .level == "error"' \
        <<<"$line" > /dev/null || fail "not a {level, msg, time} JSON line: $line"
    # Every line of the log is JSON (containerd parses each one).
    jq -e . "$IT_TMP/log.json" > /dev/null || fail "the log holds lines that are not JSON: $(cat "$IT_TMP/log.json")"
}

test_log_text() {
    requires_cmd create
    local b id
    b=$(new_bundle logtext sleep 60)
    cfg "$b" '.linux.namespaces += [{"type": "foo"}]'
    id=$(new_id logtext)
    assert_fails rt --log "$IT_TMP/log.txt" create -b "$b" "$id"
    grep -qi error "$IT_TMP/log.txt" || fail "no error in the text log: $(cat "$IT_TMP/log.txt")"
}

test_single_dash_flags() {
    requires_cmd create state delete
    local b id
    b=$(new_bundle dash sleep 60)
    id=$(new_id dash)
    rt create -bundle "$b" -pid-file "$IT_TMP/dash.pid" "$id"
    assert_eq "$(state_of "$id" status)" created
    assert_eq "$(cat "$IT_TMP/dash.pid")" "$(state_of "$id" pid)" "-pid-file"
    rt delete -force "$id"
    assert_fails rt state "$id"
}

test_kill_all() {
    requires_cmd run exec kill state delete
    local b id
    b=$(new_bundle killall sleep 60)
    id=$(new_id killall)
    rt run -d -b "$b" "$id" > /dev/null
    rt exec -d "$id" sleep 60
    rt kill --all "$id" KILL
    wait_status "$id" stopped
    rt delete "$id"
}

test_root_flag_isolates() {
    requires_cmd create list delete
    local b id other=$IT_TMP/other-root
    b=$(new_bundle isolate sleep 60)
    id=$(new_id isolate)
    rt create -b "$b" "$id"
    assert_eq "$("$RUNTIME" --root "$other" list -q 2>/dev/null)" "" "another --root sees no container"
    assert_fails "$RUNTIME" --root "$other" state "$id"
    rt delete --force "$id"
}

run_test "--log FILE --log-format json writes {level, msg, time} lines" test_log_json
run_test "--log FILE (text) records the error" test_log_text
run_test "Go-style single-dash long flags: -bundle, -pid-file, -force" test_single_dash_flags
run_test "kill --all signals every process of the container" test_kill_all
run_test "--root keeps containers apart" test_root_flag_isolates
finish
