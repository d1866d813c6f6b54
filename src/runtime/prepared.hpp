// Everything decided before clone: the parsed and validated config and the plans derived from it. The child
// gets a copy of this (clone3 without CLONE_VM) and only executes it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "namespaces/namespaces.hpp"
#include "process/attributes.hpp"
#include "process/rlimits.hpp"
#include "rootfs/plan.hpp"
#include "security/capabilities.hpp"
#include "security/seccomp.hpp"
#include "spec/config.hpp"

namespace ocirt::runtime {

struct Prepared {
    std::string bundle;       // absolute
    std::string config_json;  // as read, saved into the state dir for exec
    spec::Config config;
    namespaces::Plan ns;
    rootfs::Plan rootfs;
    std::optional<security::SeccompProgram> seccomp;
    std::optional<security::CapSets> caps;
    std::vector<process::Rlimit> rlimits;
    process::Attributes attrs;
};

// Reads <bundle>/config.json, parses, validates and plans. Touches nothing on the host.
Prepared prepare_bundle(const std::string& bundle);

// Plans for a process (init or exec) that do not depend on the rootfs.
void plan_process(const spec::Process& p, const spec::Linux* l, Prepared& out);

// Reads a whole (small) file; Error names the path.
std::string read_file(const std::string& path);

}  // namespace ocirt::runtime
