// The cgroupfs drivers behind Manager, and what they share. Internal to src/cgroups: the runtime uses
// make_manager/open_manager from manager.hpp.
#pragma once

#include <signal.h>

#include <map>
#include <memory>
#include <string>

#include "cgroups/fs.hpp"
#include "cgroups/layout.hpp"
#include "cgroups/manager.hpp"

namespace ocirt::cgroups {

// Container directories by hierarchy: key = the v1 controllers joined by ',' ("cpu,cpuacct",
// "name=systemd"), or "" for the v2 (unified) tree.
using DirMap = std::map<std::string, std::string>;

std::string hierarchy_key(const Hierarchy& h);

// cgroupfs v1: one directory per mounted hierarchy (plus the v2 one of a hybrid host).
std::unique_ptr<Manager> make_v1_manager(DirMap dirs, bool rootless);
// cgroupfs v2: one directory in the unified tree.
std::unique_ptr<Manager> make_v2_manager(std::string dir, bool rootless);

// The container directories for cgroups_path on this layout (absolute, relative to the runtime's own cgroups,
// or the default), one per hierarchy.
DirMap container_dirs(const Layout& l, const std::map<std::string, std::string>& own, std::string_view cgroups_path,
                      std::string_view id);

// saved_path() is a small JSON object: {"driver":"cgroupfs","dirs":{"memory":"/sys/fs/cgroup/memory/x",...}}
// (systemd adds "unit"). It keeps resolved directories because a relative path depends on the cgroup of the
// process that created the container, which a later command does not share.
std::string encode_saved(const std::string& driver, const DirMap& dirs, const std::string& unit);
struct Saved {
    std::string driver;
    DirMap dirs;
    std::string unit;
};
Saved decode_saved(const std::string& text);

// Signals every process in d and below.
void signal_procs(const Dir& d, int sig);
// SIGKILLs what is in d until it is empty (a fork can race a single pass), or throws after timeout_ms.
void kill_until_empty(const Dir& d, int timeout_ms);
// rmdir of d and its children, retrying while the kernel still counts exiting tasks (EBUSY).
void remove_with_retry(const std::string& d);

}  // namespace ocirt::cgroups
