// runc's "events --stats" data object ({"cpu":...,"memory":...,"pids":...,"blkio":...,"hugetlb":...}) read
// from the cgroup files of either version.
#pragma once

#include <string>

#include "cgroups/drivers.hpp"

namespace ocirt::cgroups {

std::string v1_stats_json(const DirMap& dirs);
std::string v2_stats_json(const Dir& d);

}  // namespace ocirt::cgroups
