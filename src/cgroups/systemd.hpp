// The systemd driver: the container's cgroup is a transient scope unit (Delegate=yes) that systemd creates
// over D-Bus; resources systemd knows become unit properties, the rest go to the cgroup files.
#pragma once

#include <memory>

#include "cgroups/drivers.hpp"
#include "cgroups/manager.hpp"

namespace ocirt::cgroups {

// "slice:prefix:name" -> {"slice", "prefix-name.scope"}; an empty slice is "system.slice", an empty prefix
// gives "name.scope". Throws naming linux.cgroupsPath when the form is wrong.
struct SystemdPath {
    std::string slice;
    std::string unit;
};
SystemdPath parse_systemd_path(std::string_view cgroups_path, std::string_view id);
// "a-b-c.slice" lives at "/a.slice/a-b.slice/a-b-c.slice" in the cgroup tree.
std::string expand_slice(std::string_view slice);

std::unique_ptr<Manager> make_systemd_manager(const Options& opts);
std::unique_ptr<Manager> open_systemd_manager(const Saved& saved);

}  // namespace ocirt::cgroups
