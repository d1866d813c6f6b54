# shellcheck shell=bash
# For the scripts that drive Podman as root (tests/e2e/podman.sh, tests/checkpoint/podman-guest.sh): a Podman
# of their own, whose image store, containers, runroot, tmpdir and events all live under one directory that
# the script removes at the end; the host's containers.conf and storage.conf are not read.
#
# podman_private DIR: writes DIR/containers.conf and DIR/storage.conf, exports CONTAINERS_CONF and
# CONTAINERS_STORAGE_CONF, and sets the array PODMAN_FLAGS to the same settings as podman's global flags.
podman_private() {
    local d=$1
    mkdir -p "$d/tmp"
    cat >"$d/containers.conf" <<CONF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$d/events.log"
tmp_dir = "$d/tmp"
[containers]
log_driver = "k8s-file"
CONF
    cat >"$d/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$d/storage"
runroot = "$d/runroot"
CONF
    export CONTAINERS_CONF=$d/containers.conf CONTAINERS_STORAGE_CONF=$d/storage.conf
    PODMAN_FLAGS=(--root "$d/storage" --runroot "$d/runroot" --tmpdir "$d/tmp" --cgroup-manager cgroupfs
        --events-backend file)
}
