// runc's "events --stats" data object ({"cpu":...,"memory":...,"pids":...,"blkio":...,"hugetlb":...}) read
// from the cgroup files of either version.
#pragma once

#include <string>

#include "cgroups/drivers.hpp"

namespace ocirt::cgroups {

std::string v1_stats_json(const DirMap& dirs);
std::string v2_stats_json(const Dir& d);
// The "oom_kill" count of a flat-keyed file (v1 memory.oom_control, v2 memory.events); 0 when absent.
uint64_t oom_kill_count(const Dir& d, const char* file);

}  // namespace ocirt::cgroups
