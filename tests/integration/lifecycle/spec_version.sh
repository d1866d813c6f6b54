#!/bin/bash
# `spec` (the default config is valid and runs a busybox bundle once made non-interactive), `spec --rootless`,
# `--version`, and the demo bundle of the README.
. "$(dirname "$0")/../lib.sh"

test_version() {
    local out
    out=$("$RUNTIME" --version)
    [[ $(head -1 <<<"$out") =~ ^[a-z]+\ version\ [0-9] ]] || fail "first line is not 'NAME version X': $out"
    grep -qE '^spec: [0-9]+\.[0-9]+\.[0-9]+' <<<"$out" || fail "no 'spec: X.Y.Z' line: $out"
}

test_spec_runs() {
    requires_cmd spec run
    local b out
    b=$IT_TMP/bundles/spec
    mkdir -p "$b"
    (cd "$b" && "$RUNTIME" spec)
    jq -e . "$b/config.json" > /dev/null || fail "spec wrote invalid JSON"
    assert_eq "$(jq -r '.root.path' "$b/config.json")" rootfs "root.path"
    jq -e '.process.args | length > 0' "$b/config.json" > /dev/null || fail "no process.args"
    cp -a "$(new_bundle spec-rootfs)/rootfs" "$b/rootfs"
    cfg "$b" '.process.terminal = false | .process.args = ["echo", "default-spec-runs"]
              | .process.env += [$tag]' --arg tag "OCIRT_IT_TAG=$IT_PREFIX"
    out=$(rt run -b "$b" "$(new_id spec)")
    assert_eq "$out" default-spec-runs
}

test_spec_bundle_flag() {
    requires_cmd spec
    mkdir -p "$IT_TMP/specb"
    "$RUNTIME" spec --bundle "$IT_TMP/specb"
    assert_file "$IT_TMP/specb/config.json"
}

test_spec_rootless() {
    requires_cmd spec
    mkdir -p "$IT_TMP/rootless"
    (cd "$IT_TMP/rootless" && "$RUNTIME" spec --rootless)
    local c=$IT_TMP/rootless/config.json
    jq -e '.linux.namespaces | map(.type) | index("user") != null' "$c" > /dev/null ||
        fail "no user namespace in the rootless spec"
    jq -e '.linux.uidMappings | length > 0' "$c" > /dev/null || fail "no uidMappings in the rootless spec"
    jq -e '.linux.gidMappings | length > 0' "$c" > /dev/null || fail "no gidMappings in the rootless spec"
}

test_demo_bundle() {
    requires_cmd spec run
    local out
    OCIRT=$RUNTIME "$IT_REPO/scripts/demo-bundle.sh" "$IT_TMP/demo" > /dev/null
    cfg "$IT_TMP/demo" '.process.env += [$tag]' --arg tag "OCIRT_IT_TAG=$IT_PREFIX"
    out=$(rt run -b "$IT_TMP/demo" "$(new_id demo)")
    assert_contains "$out" "Hello from an ocirt container: pid 1"
}

run_test "--version prints 'NAME version X' and 'spec: X.Y.Z'" test_version
run_test "spec writes a config that runs once made non-interactive" test_spec_runs
run_test "spec --bundle DIR writes DIR/config.json" test_spec_bundle_flag
run_test "spec --rootless adds a user namespace and id mappings" test_spec_rootless
run_test "the README's demo bundle runs" test_demo_bundle
finish
