// Capabilities: the five sets of process.capabilities, applied with libcap in the child.
#pragma once

#include <optional>
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

// Child side, after the uid/gid switch (which ran with PR_SET_KEEPCAPS): drops the bounding set, then sets
// effective/permitted/inheritable, then raises the ambient ones.
void apply_capabilities(const CapSets& c);

}  // namespace ocirt::security
