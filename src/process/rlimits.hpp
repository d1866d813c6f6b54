// process.rlimits: names resolved in the parent, setrlimit in the child.
#pragma once

#include <sys/resource.h>

#include <vector>

#include "spec/config.hpp"

namespace ocirt::process {

struct Rlimit {
    int resource;
    rlimit value;
};

// Error naming process.rlimits[i].type for an unknown name.
std::vector<Rlimit> resolve_rlimits(const std::vector<spec::Rlimit>& in);
// Child side. Raising a hard limit needs CAP_SYS_RESOURCE: the error says which limit.
void apply_rlimits(const std::vector<Rlimit>& r);

}  // namespace ocirt::process
