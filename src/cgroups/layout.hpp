// What the host mounts: v1 hierarchies (one per controller or co-mounted group, plus named ones such as
// name=systemd), the v2 unified hierarchy, or both (the "hybrid" layout of this kind of host: v1 controllers
// and an empty v2 tree). Parsing is separate from reading /proc so that tests feed it fixture text.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocirt::cgroups {

struct Hierarchy {
    std::string mount_point;               // /sys/fs/cgroup/cpu,cpuacct
    std::string root;                      // the cgroup the mount shows as its root ("/" normally)
    std::vector<std::string> controllers;  // {"cpu","cpuacct"} or {"name=systemd"}
};

enum class Mode { legacy, hybrid, unified };

struct Layout {
    std::vector<Hierarchy> v1;
    std::optional<Hierarchy> unified;  // controllers empty

    Mode mode() const;
    // The v1 hierarchy carrying controller (or "name=systemd"), or nullptr.
    const Hierarchy* find_v1(std::string_view controller) const;
};

Layout parse_mountinfo(std::string_view text);
// This process's cgroups from /proc/<pid>/cgroup text: the key is the controller list as the kernel writes
// it ("cpu,cpuacct", "name=systemd") and "" for the v2 line.
std::map<std::string, std::string> parse_proc_cgroup(std::string_view text);

Layout detect_layout();  // /proc/self/mountinfo
std::map<std::string, std::string> own_cgroups();  // /proc/self/cgroup

// The cgroup path (as the hierarchy names it, "/a/b") for a container:
//  - an absolute cgroupsPath is used as is;
//  - a relative one is appended to the runtime's own cgroup in that hierarchy;
//  - an empty one becomes the relative path "<id>", as runc does.
std::string resolve_cgroup_path(std::string_view cgroups_path, std::string_view id, std::string_view own);

// The host directory of cgroup path cg in hierarchy h, allowing for a mount that shows a sub-tree (h.root).
std::string host_dir(const Hierarchy& h, std::string_view cg);

// The runtime's own cgroup in h, from own_cgroups() output.
std::string own_cgroup_in(const Hierarchy& h, const std::map<std::string, std::string>& own);

// Joins and normalises "a", "b/../c" into "/a/c" (no "..", no "//", leading '/').
std::string clean_path(std::string_view p);

}  // namespace ocirt::cgroups
