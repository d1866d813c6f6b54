#!/bin/bash
# Resources on this cgroup v1 host: `update` changes the cgroup files and records the merged resources in the
# state directory, so a later update of another field keeps the first one; hugepageLimits reach hugetlb.
. "$(dirname "$0")/../lib.sh"

V1=/sys/fs/cgroup

# The resources the runtime recorded for ID: ocirt keeps the config in its state directory, runc in state.json.
recorded() {
    local id=$1 filter=$2
    if [ -f "$IT_ROOT/$id/config.json" ]; then
        jq -r ".linux.resources | $filter" "$IT_ROOT/$id/config.json"
    else
        jq -r ".config.cgroups | $filter" "$IT_ROOT/$id/state.json"
    fi
}

# start_sleeper NAME JQ_RESOURCES: a running container in cgroup /<id>, with those linux.resources; prints the id.
start_sleeper() {
    local name=$1 res=$2 b id
    id=$(new_id "$name")
    b=$(new_bundle "$name" sleep 1000)
    cfg "$b" ".linux.cgroupsPath=\"/$id\" | .linux.resources=$res"
    rt run -d -b "$b" "$id" </dev/null >/dev/null
    echo "$id"
}

file_is() {
    local f=$1 want=$2
    [ -f "$f" ] || fail "$f does not exist"
    assert_eq "$(cat "$f")" "$want" "$f"
}

test_update_persists() {
    requires_cmd update
    [ -d "$V1/memory" ] && [ -d "$V1/pids" ] || skip "needs the v1 memory and pids controllers"
    local id
    id=$(start_sleeper upd '{"memory":{"limit":67108864},"pids":{"limit":20}}')
    rt update --memory 128m "$id"
    rt update --pids-limit 50 "$id"
    # Both in effect...
    file_is "$V1/memory/$id/memory.limit_in_bytes" 134217728
    file_is "$V1/pids/$id/pids.max" 50
    # ... and both recorded: the second update did not bring back the memory limit of create.
    if [ -f "$IT_ROOT/$id/config.json" ]; then
        assert_eq "$(recorded "$id" .memory.limit)" 134217728 "recorded memory limit"
        assert_eq "$(recorded "$id" .pids.limit)" 50 "recorded pids limit"
    fi
    # --resources merges too, and a value it does not name stays.
    echo '{"cpu":{"shares":512}}' | rt update --resources - "$id"
    file_is "$V1/cpu/$id/cpu.shares" 512
    if [ -f "$IT_ROOT/$id/config.json" ]; then
        assert_eq "$(recorded "$id" '[.memory.limit, .pids.limit, .cpu.shares] | join(" ")')" "134217728 50 512"
        # What state prints still reads the state directory.
        assert_eq "$(state_of "$id" status)" running
        rt events --stats "$id" | jq -e '.data.memory.usage.limit == 134217728' >/dev/null ||
            fail "events --stats does not show the updated memory limit"
    fi
}

test_concurrent_updates_all_recorded() {
    requires_cmd update
    local id i pids=()
    id=$(start_sleeper conc '{}')
    # Each update holds the container's lock while it reads, merges and writes the record: none is lost.
    rt update --memory 100m "$id" & pids+=($!)
    rt update --pids-limit 60 "$id" & pids+=($!)
    rt update --cpu-share 300 "$id" & pids+=($!)
    rt update --cpu-quota 30000 "$id" & pids+=($!)
    for i in "${pids[@]}"; do wait "$i" || fail "an update failed"; done
    [ -f "$IT_ROOT/$id/config.json" ] || skip "the runtime keeps no config.json in its state directory"
    assert_eq "$(recorded "$id" '[.memory.limit, .pids.limit, .cpu.shares, .cpu.quota] | join(" ")')" \
        "104857600 60 300 30000"
}

test_hugetlb_v1() {
    [ -d "$V1/hugetlb" ] || skip "no v1 hugetlb controller on this host"
    local size id
    # Limits are whole pages: 2MB pages (x86's small huge page) make 4 MiB and 8 MiB exact.
    size=2MB
    [ -f "$V1/hugetlb/hugetlb.$size.limit_in_bytes" ] || skip "no 2MB huge pages on this host"
    id=$(start_sleeper huge "{\"hugepageLimits\":[{\"pageSize\":\"$size\",\"limit\":4194304}]}")
    file_is "$V1/hugetlb/$id/hugetlb.$size.limit_in_bytes" 4194304
    # Reservations are limited too where the kernel accounts them.
    if [ -f "$V1/hugetlb/$id/hugetlb.$size.rsvd.limit_in_bytes" ]; then
        file_is "$V1/hugetlb/$id/hugetlb.$size.rsvd.limit_in_bytes" 4194304
    fi
    requires_cmd update
    echo "{\"hugepageLimits\":[{\"pageSize\":\"$size\",\"limit\":8388608}]}" | rt update --resources - "$id"
    file_is "$V1/hugetlb/$id/hugetlb.$size.limit_in_bytes" 8388608
    if [ -f "$IT_ROOT/$id/config.json" ]; then
        assert_eq "$(recorded "$id" '.hugepageLimits | length')" 1
        assert_eq "$(recorded "$id" '.hugepageLimits[0].limit')" 8388608
    fi
}

test_hugetlb_unknown_size() {
    local b id out
    id=$(new_id hugebad)
    b=$(new_bundle hugebad true)
    cfg "$b" ".linux.cgroupsPath=\"/$id\" | .linux.resources={\"hugepageLimits\":[{\"pageSize\":\"3MB\",\"limit\":1}]}"
    if out=$(rt run -b "$b" "$id" 2>&1); then fail "run succeeded with a page size the host lacks"; fi
    assert_contains "$out" "hugepageLimits"
}

run_test "update: memory then pids, both in effect and recorded; --resources merges" test_update_persists
run_test "update: concurrent updates of different fields are all recorded" test_concurrent_updates_all_recorded
run_test "hugepageLimits: written to v1 hugetlb (limit and rsvd), updated and recorded" test_hugetlb_v1
run_test "hugepageLimits: a page size the host lacks is an error naming the field" test_hugetlb_unknown_size
finish
