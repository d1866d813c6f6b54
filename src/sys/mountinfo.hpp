// /proc/self/mountinfo, read once per process: the rootfs plan (host facts) and the cgroup layout both need
// it, and the runtime changes none of its own mounts before the clone.
#pragma once

#include <string>

namespace ocirt::sys {

const std::string& self_mountinfo();

}  // namespace ocirt::sys
