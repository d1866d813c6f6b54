// Capabilities: the five sets of process.capabilities, applied with libcap in the child.
#pragma once

#include <cstdint>
#include <vector>

#include "spec/config.hpp"

namespace ocirt::security {

struct CapSets {
    // Bit masks of capability numbers, resolved in the parent (names checked there).
    uint64_t effective = 0, bounding = 0, inheritable = 0, permitted = 0, ambient = 0;
};

// Resolves names ("CAP_CHOWN") to numbers; unknown names are an Error naming the field, names the running
// kernel does not know (newer than it) are skipped with a warning, as runc does.
CapSets resolve_capabilities(const spec::Capabilities& c);

// Child side. Order with respect to the user switch:
//   1. prctl(PR_SET_KEEPCAPS, 1), setgroups, setresgid, setresuid (process/user.cpp): KEEPCAPS keeps the
//      permitted set across the uid change, but the kernel still clears the effective set.
//   2. apply_capabilities: raises effective back to permitted (dropping the bounding set needs CAP_SETPCAP),
//      drops every capability not in bounding, capset(effective, permitted, inheritable), then clears the
//      ambient set and raises the ambient ones (each must be permitted and inheritable, else a warning).
// Calling it before the uid switch would lose the capabilities at setresuid; calling it without KEEPCAPS
// finds an empty permitted set. Seccomp is loaded before this step when noNewPrivileges is false (loading a
// filter then needs CAP_SYS_ADMIN), after it otherwise. Throws Error; the caller reports it.
void apply_capabilities(const CapSets& c);

// The running kernel's last capability number (what /proc/sys/kernel/cap_last_cap says), probed with
// PR_CAPBSET_READ so it works without /proc.
int last_capability();

}  // namespace ocirt::security
