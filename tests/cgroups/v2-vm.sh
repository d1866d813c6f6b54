#!/bin/bash
# v2-vm.sh: ocirt's cgroup v2 tests, run for real in ../shared/tools/cgroup2-vm (pure cgroup v2 guests).
# On the host it boots two guests, one without an init system (cgroupfs v2 driver, eBPF device filter, v1->v2
# conversions, freeze, memory and pids limits hit from inside, update, events) and one with systemd as PID 1
# (the systemd driver), and runs itself inside each with --inside. Each case prints `ok - NAME`,
# `not ok - NAME` or `ok - NAME # SKIP why`; the host ends with `N passed, M failed, K skipped`.
#
# Environment: OCIRT_BIN (default BUILD_DIR/src/ocirt, BUILD_DIR default build), CGROUP2_VM (the tool).
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tests/lib/guest.sh"
script=$repo/tests/cgroups/v2-vm.sh

# ----------------------------------------------------------------------------------------------- host side
host_main() {
    if [ ! -x "$CGROUP2_VM" ] || [ "$EUID" != 0 ] || [ ! -x "$OCIRT_BIN" ]; then
        echo "ok - cgroup v2 guest tests # SKIP needs root, $CGROUP2_VM and $OCIRT_BIN"
        echo "0 passed, 0 failed, 1 skipped"
        return 0
    fi
    cd "$repo" || return 1
    # The guest runs this host's userland: what its checks use must be installed here.
    command -v strace >/dev/null || "$repo/scripts/install-deps.sh" strace >&2
    guest_run cgroupfs --timeout 600 -- env OCIRT_BIN="$OCIRT_BIN" bash "$script" --inside cgroupfs
    guest_run systemd --systemd --timeout 600 -- env OCIRT_BIN="$OCIRT_BIN" bash "$script" --inside systemd
    guest_summary
}

# ---------------------------------------------------------------------------------------------- guest side
T=/tmp/ocirt-v2
CG=/sys/fs/cgroup
rt() { timeout -k 5 60 "$OCIRT_BIN" --root "$T/state" "$@"; }
# run_d [RT_FLAGS...] BUNDLE ID: run -d with the container's stdio on a log file, not on check()'s pipe.
run_d() {
    local id=${*: -1} b=${*: -2:1}
    rt "${@:1:$#-2}" run -d -b "$b" "$id" </dev/null >"$T/$id.log" 2>&1 || { cat "$T/$id.log"; return 1; }
}

# bundle NAME ARGS...: a busybox bundle whose process runs ARGS, writable root, no terminal. Every process
# costs under emulation: the spec is made once and each bundle is one jq.
bundle() {
    local b=$T/$1
    shift
    mkdir -p "$b"
    [ -d "$T/rootfs" ] || "$repo/scripts/make-rootfs.sh" "$T/rootfs" >/dev/null
    [ -f "$T/spec.json" ] || { (cd "$T" && "$OCIRT_BIN" spec) && mv "$T/config.json" "$T/spec.json"; }
    ln -sfn "$T/rootfs" "$b/rootfs"
    jq '.process.terminal=false | .process.args=$ARGS.positional | .root.readonly=false' "$T/spec.json" \
        --args -- "$@" >"$b/config.json"
    echo "$b"
}

cfg() { local b=$1 f=$2; shift 2; jq "$@" "$f" "$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"; }
val() { tr -d '\n' <"$1"; }
expect() { [ "$(val "$1")" = "$2" ] || { echo "$1: '$(val "$1")', expected '$2'"; return 1; }; }
cleanup() { local id; for id in $(rt list -q 2>/dev/null); do rt delete --force "$id" >/dev/null 2>&1; done; }

t_resources() {
    local b
    b=$(bundle res sleep 1000)
    cfg "$b" '.linux.cgroupsPath="/ocirt-v2/res" | .linux.resources={
        "memory":{"limit":67108864,"swap":100663296,"reservation":1048576},
        "cpu":{"shares":1024,"quota":50000,"period":100000,"cpus":"0","mems":"0"},
        "pids":{"limit":32},"blockIO":{"weight":500},
        "unified":{"memory.high":"61440000"}}'
    run_d "$b" res
    local d=$CG/ocirt-v2/res
    grep -qx "$(rt state res | jq .pid)" "$d/cgroup.procs"
    expect "$d/memory.max" 67108864
    expect "$d/memory.swap.max" 33554432
    expect "$d/memory.low" 1048576
    expect "$d/memory.high" 61440000  # a whole number of pages
    expect "$d/cpu.weight" 39
    expect "$d/cpu.max" "50000 100000"
    expect "$d/pids.max" 32
    expect "$d/cpuset.cpus" 0
    expect "$d/cpuset.mems" 0
    if [ -f "$d/io.bfq.weight" ]; then grep -q 'default 500' "$d/io.bfq.weight"
    elif [ -f "$d/io.weight" ]; then grep -q 'default 4950' "$d/io.weight"; fi
}

t_update() {
    rt update --memory 128m --cpu-share 512 --pids-limit 50 res
    local d=$CG/ocirt-v2/res
    expect "$d/memory.max" 134217728
    expect "$d/cpu.weight" 20
    expect "$d/pids.max" 50
    echo '{"cpu":{"quota":20000,"period":100000}}' | rt update --resources - res
    expect "$d/cpu.max" "20000 100000"
    # A field alone takes what it depends on from the recorded resources: the period keeps the quota, the
    # swap limit (memory+swap) is converted with the memory limit of the first update.
    rt update --cpu-period 50000 res
    expect "$d/cpu.max" "20000 50000"
    rt update --memory-swap 200m res
    expect "$d/memory.swap.max" $((200 * 1048576 - 134217728))
    expect "$d/memory.max" 134217728
    jq -e '.linux.resources | .memory.limit == 134217728 and .memory.swap == 209715200 and .pids.limit == 50
        and .cpu.quota == 20000 and .cpu.period == 50000' "$T/state/res/config.json" >/dev/null
}

t_freeze() {
    local d=$CG/ocirt-v2/res
    rt pause res
    [ "$(rt state res | jq -r .status)" = paused ]
    expect "$d/cgroup.freeze" 1
    grep -qx 'frozen 1' "$d/cgroup.events"
    rt resume res
    [ "$(rt state res | jq -r .status)" = running ]
    grep -qx 'frozen 0' "$d/cgroup.events"
}

t_ps_events() {
    [ "$(rt ps --format json res | jq length)" = 1 ]
    rt events --stats res | jq -e '.type == "stats" and .data.memory.usage.limit == 134217728 and .data.pids.current == 1'
}

t_delete() {
    rt exec -d res sleep 1000 </dev/null >/dev/null 2>&1
    rt kill res KILL
    sleep 0.3
    rt delete res
    [ ! -e "$CG/ocirt-v2/res" ] && [ ! -e "$CG/ocirt-v2" ]
}

t_devices() {
    local b
    # mknod is allowed for every device by the default rules; opening needs an allow rule. The nodes go in
    # the container's /dev: the guest's /tmp, under the rootfs, is nodev.
    b=$(bundle dev sh -c 'mknod /dev/null2 c 1 3 && echo x >/dev/null2 && echo allowed-ok; mknod /dev/mem2 c 1 1 && head -c1 /dev/mem2 >/dev/null 2>&1 || echo denied-ok')
    # runc's default spec has no CAP_MKNOD; the cgroup, not the capability, is under test.
    cfg "$b" '.linux.cgroupsPath="/ocirt-v2/dev" | .linux.resources={"devices":[{"allow":false,"access":"rwm"}]}
        | .process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
    local out
    out=$(rt run -b "$b" dev)
    echo "$out"
    grep -qx allowed-ok <<<"$out" && grep -qx denied-ok <<<"$out"
    rt delete dev 2>/dev/null || true
}

t_memory_oom() {
    local b rc=0
    b=$(bundle oom tail /dev/zero)
    cfg "$b" '.linux.cgroupsPath="/ocirt-v2/oom" | .linux.resources={"memory":{"limit":33554432,"swap":33554432}}'
    run_d "$b" oom
    timeout 20 "$OCIRT_BIN" --root "$T/state" events --interval 60s oom >"$T/events.out" || rc=$?
    cat "$T/events.out"
    grep -q '"type":"oom"' "$T/events.out"
    grep -Eq 'oom_kill [1-9]' "$CG/ocirt-v2/oom/memory.events"
    rt delete oom
}

t_pids_limit() {
    local b
    b=$(bundle pids sh -c 'i=0; while [ $i -lt 30 ]; do sleep 100 & i=$((i+1)); done 2>/dev/null; sleep 100')
    cfg "$b" '.linux.cgroupsPath="/ocirt-v2/pids" | .linux.resources={"pids":{"limit":10}}'
    run_d "$b" pids
    sleep 2
    local d=$CG/ocirt-v2/pids
    [ "$(val "$d/pids.current")" -le 10 ]
    grep -Eq '^max [1-9]' "$d/pids.events"
    rt delete --force pids
    [ ! -e "$d" ]
}

# Huge pages: the guest kernel has 2MB pages on x86 (1GB ones only with the CPU's pdpe1gb).
t_hugetlb() {
    local b d=$CG/ocirt-v2/huge
    ls /sys/kernel/mm/hugepages
    [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]
    b=$(bundle huge sleep 1000)
    cfg "$b" '.linux.cgroupsPath="/ocirt-v2/huge" | .linux.resources={"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]}'
    run_d "$b" huge
    expect "$d/hugetlb.2MB.max" 4194304
    if [ -f "$d/hugetlb.2MB.rsvd.max" ]; then expect "$d/hugetlb.2MB.rsvd.max" 4194304; fi
    echo '{"hugepageLimits":[{"pageSize":"2MB","limit":8388608}]}' | rt update --resources - huge
    expect "$d/hugetlb.2MB.max" 8388608
    rt delete --force huge
    [ ! -e "$d" ]
}

# RDMA: the kernel takes rdma.max lines only for a device it has (ENODEV otherwise); the guest has none, so the
# runtime must fail with the field and the kernel's reason, and leave nothing behind.
t_rdma() {
    local b out d=$CG/ocirt-v2/rdma dev=mlx5_0
    grep -qw rdma "$CG/cgroup.controllers"
    [ -d /sys/class/infiniband ] && dev=$(ls /sys/class/infiniband | head -1)
    b=$(bundle rdma sleep 1000)
    cfg "$b" '.linux.cgroupsPath="/ocirt-v2/rdma" | .linux.resources={"rdma":{($dev):{"hcaHandles":3,"hcaObjects":100}}}' \
        --arg dev "$dev"
    if [ "$dev" != mlx5_0 ]; then
        run_d "$b" rdma
        grep -q "^$dev hca_handle=3 hca_object=100" "$d/rdma.max"
        rt delete --force rdma
        return
    fi
    if out=$(rt run -b "$b" rdma 2>&1); then echo "run succeeded without an rdma device"; return 1; fi
    echo "$out"
    grep -q 'linux.resources.rdma\["mlx5_0"\]' <<<"$out"
    grep -q 'No such device' <<<"$out"
    [ ! -e "$d" ]
}

rdma_case() {
    if [ -d /sys/class/infiniband ] && [ -n "$(ls /sys/class/infiniband)" ]; then
        echo "rdma: limits written to rdma.max for the guest's device"
    else
        echo "rdma: no rdma device in the guest, so the kernel refuses rdma.max (ENODEV): a clear error naming the field"
    fi
}

# A cgroup namespace: the container sees its own cgroup as the root of the tree.
t_cgroupns() {
    local b out
    b=$(bundle cgns cat /proc/self/cgroup)
    cfg "$b" '.linux.cgroupsPath="/ocirt-v2/cgns" | .linux.namespaces += [{"type":"cgroup"}]'
    out=$(rt run -b "$b" cgns)
    echo "$out"
    [ "$out" = "0::/" ]
    [ ! -e "$CG/ocirt-v2/cgns" ]
}

t_clone_into() {
    local b
    b=$(bundle clone cat /proc/self/cgroup)
    cfg "$b" '.linux.cgroupsPath="/ocirt-v2/clone" | .linux.namespaces -= [{"type":"cgroup"}]'
    strace -f -e trace=clone3,openat -o "$T/clone.strace" "$OCIRT_BIN" --root "$T/state" run -b "$b" clone >"$T/clone.out"
    expect "$T/clone.out" "0::/ocirt-v2/clone"
    grep -q 'clone3(.*CLONE_INTO_CGROUP' "$T/clone.strace" || { grep clone3 "$T/clone.strace"; return 1; }
    # No migration: cgroup.procs was never opened for writing.
    if grep 'cgroup.procs", O_WRONLY' "$T/clone.strace"; then return 1; fi
}

t_unsupported() {
    local b out
    b=$(bundle bad true)
    cfg "$b" '.linux.cgroupsPath="/ocirt-v2/bad" | .linux.resources={"network":{"classID":1}}'
    if out=$(rt run -b "$b" bad 2>&1); then echo "run succeeded"; return 1; fi
    echo "$out"
    grep -q 'linux.resources.network.classID' <<<"$out"
    [ ! -e "$CG/ocirt-v2/bad" ]
}

t_no_systemd() {
    local b out
    b=$(bundle nosd true)
    cfg "$b" '.linux.cgroupsPath="system.slice:ocirt:nosd"'
    if out=$(rt --systemd-cgroup run -b "$b" nosd 2>&1); then echo "run succeeded"; return 1; fi
    echo "$out"
    grep -q 'systemd is not running' <<<"$out"
}

# props UNIT NAME=VALUE...: the unit's properties as systemctl show prints them, in one call.
props() {
    local unit=$1 out kv names=()
    shift
    for kv in "$@"; do names+=(-p "${kv%%=*}"); done
    out=$'\n'$(systemctl show "${names[@]}" "$unit")$'\n'
    for kv in "$@"; do
        [[ $out == *$'\n'"$kv"$'\n'* ]] || { echo "$unit: no $kv in:$out"; return 1; }
    done
}

t_systemd() {
    local b d unit=ocirt-sd1.scope cpus=0 blk
    [ "$(nproc)" -ge 2 ] && cpus=0-1
    # A block device for the per-device IO limits: null_blk's is request-based, so iocost can be on for it (a
    # per-device io.weight needs iocost). systemd is given it as /dev/block/MAJ:MIN.
    modprobe null_blk nr_devices=1
    blk=$(cat /sys/block/nullb0/dev)
    echo "$blk enable=1" >"$CG/io.cost.qos"
    b=$(bundle sd1 sleep 1000)
    # CAP_MKNOD: the device checks make their own nodes (the guest's /tmp is nodev, the container's /dev is not).
    cfg "$b" '.linux.cgroupsPath="system.slice:ocirt:sd1" | .linux.resources={
        "memory":{"limit":67108864,"reservation":1048576,"swap":100663296},"pids":{"limit":40},
        "cpu":{"shares":1024,"quota":50000,"cpus":"0","mems":"0"},
        "blockIO":{"weight":500,"weightDevice":[$dev + {"weight":200}],
            "throttleReadBpsDevice":[$dev + {"rate":1048576}],"throttleWriteIOPSDevice":[$dev + {"rate":200}]},
        "devices":[{"allow":false,"access":"rwm"}]}
        | .process.capabilities |= with_entries(.value += ["CAP_MKNOD"])' \
        --argjson dev "{\"major\":${blk%:*},\"minor\":${blk#*:}}"
    run_d --systemd-cgroup "$b" sd1
    d=$CG/system.slice/$unit
    grep -qx "$(rt state sd1 | jq .pid)" "$d/cgroup.procs"
    # weightDevice 200 is io.weight 1920 (the 10..1000 -> 1..10000 conversion).
    props "$unit" Delegate=yes MemoryMax=67108864 MemoryLow=1048576 MemorySwapMax=33554432 IOWeight=4950 \
        TasksMax=40 CPUWeight=39 CPUQuotaPerSecUSec=500ms AllowedCPUs=0 AllowedMemoryNodes=0 DevicePolicy=strict \
        "DeviceAllow=/dev/char/1:3 rwm" "DeviceAllow=char-pts rwm" "IODeviceWeight=/dev/block/$blk 1920" \
        "IOReadBandwidthMax=/dev/block/$blk 1048576" "IOWriteIOPSMax=/dev/block/$blk 200"
    grep -qx "$blk 1920" "$d/io.weight"
    grep -qx "$blk rbps=1048576 wbps=max riops=max wiops=200" "$d/io.max"
    expect "$d/memory.max" 67108864
    expect "$d/pids.max" 40
    expect "$d/cpu.weight" 39
    expect "$d/cpu.max" "50000 100000"
    expect "$d/cpuset.cpus" 0
    expect "$d/cpuset.mems" 0
    rt --systemd-cgroup pause sd1
    grep -qx 'frozen 1' "$d/cgroup.events"
    rt --systemd-cgroup resume sd1
    rt --systemd-cgroup update --memory 96m --cpuset-cpus "$cpus" sd1
    rt --systemd-cgroup update --pids-limit 30 --cpu-quota 20000 --cpu-idle 1 sd1
    props "$unit" MemoryMax=100663296 AllowedCPUs="$cpus" TasksMax=30 CPUQuotaPerSecUSec=200ms CPUWeight=idle
    # systemd re-applies the unit's properties at a reload: the updates must be among them (without CPUWeight=idle
    # it would write cpu.idle 0).
    systemctl daemon-reload
    expect "$d/memory.max" 100663296
    expect "$d/cpuset.cpus" "$cpus"
    expect "$d/pids.max" 30
    expect "$d/cpu.max" "20000 100000"
    expect "$d/cpu.idle" 1
    grep -qx "$blk 1920" "$d/io.weight"
    grep -qx "$blk rbps=1048576 wbps=max riops=max wiops=200" "$d/io.max"
    # With systemd's device program next to ocirt's, allowed devices still open and others do not.
    rt --systemd-cgroup exec sd1 sh -c 'echo x >/dev/null && head -c1 /dev/zero >/dev/null && echo allowed-ok;
        mknod /dev/mem2 c 1 1 && head -c1 /dev/mem2 >/dev/null 2>&1 || echo denied-ok' </dev/null >"$T/sd1.exec" 2>&1
    cat "$T/sd1.exec"
    grep -qx allowed-ok "$T/sd1.exec" && grep -qx denied-ok "$T/sd1.exec"
    jq -e '.linux.resources | .memory.limit == 100663296 and .pids.limit == 30 and .cpu.cpus == "'"$cpus"'"' \
        "$T/state/sd1/config.json" >/dev/null
    rt --systemd-cgroup delete --force sd1
    sleep 0.5
    [ ! -e "$d" ]
    [ "$(systemctl show -P LoadState "$unit")" = not-found ]
    echo "$blk enable=0" >"$CG/io.cost.qos"
    modprobe -r null_blk
}

guest_main() {
    echo "guest up after $(cut -d' ' -f1 /proc/uptime) s"
    mkdir -p "$T/state"
    trap cleanup EXIT
    if [ "$1" = systemd ]; then
        check "systemd driver: scope with Delegate, properties (AllowedCPUs, devices, per-device IO...) and files, pause, update (cpu.idle too) that survives a daemon-reload, delete" t_systemd
        return
    fi
    check "v2 driver: cgroup made, resources in files (shares->cpu.weight, blkio weight->io.weight, swap, unified)" t_resources
    check "update: flags and --resources -" t_update
    check "freeze: pause/resume through cgroup.freeze" t_freeze
    check "ps --format json and events --stats" t_ps_events
    check "delete kills what is left and removes the cgroup and the parent it made" t_delete
    check "device filter: allowed device opens, denied device fails" t_devices
    check "memory limit: OOM kill seen by events and memory.events" t_memory_oom
    check "pids limit: forks beyond pids.max fail" t_pids_limit
    check "cgroup namespace: the container's cgroup is its root" t_cgroupns
    check "the container process is cloned straight into its cgroup (CLONE_INTO_CGROUP, no migration)" t_clone_into
    check "hugetlb: hugepageLimits in hugetlb.2MB.max and .rsvd.max, updated" t_hugetlb
    check "$(rdma_case)" t_rdma
    check "a resource v2 lacks is an error naming the field, nothing left behind" t_unsupported
    check "--systemd-cgroup without systemd: clear error" t_no_systemd
}

if [ "${1:-}" = --inside ]; then guest_main "${2:-cgroupfs}"; else host_main; fi
