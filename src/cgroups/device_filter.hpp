// The cgroup v2 device controller is an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) attached to the cgroup.
// build_device_filter turns the OCI allow/deny list into that program (a plain value the unit tests run in a
// small interpreter); attach_device_filter loads it, attaches it and detaches the programs it replaces.
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

#include "spec/config.hpp"

namespace ocirt::cgroups {

// Later rules win, as in the v1 files: the program tests the rules last to first, and the first match decides.
// A device no rule matches is denied.
std::vector<bpf_insn> build_device_filter(const std::vector<spec::DeviceCgroupRule>& rules);

// Loads prog, attaches it to the cgroup directory (BPF_F_ALLOW_MULTI, so there is no moment without a
// filter), then detaches every other device program on that cgroup (those of an earlier apply).
void attach_device_filter(const std::string& cgroup_dir, const std::vector<bpf_insn>& prog);

}  // namespace ocirt::cgroups
