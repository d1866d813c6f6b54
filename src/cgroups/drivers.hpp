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

// What create() made, per hierarchy key: the outermost directory it had to create (a cgroupsPath "/a/b" on
// a host without "/a" makes "/a" too), so that destroy() removes those parents again when they are empty.
using CreatedMap = std::map<std::string, std::string>;

// cgroupfs v1: one directory per mounted hierarchy (plus the v2 one of a hybrid host).
std::unique_ptr<Manager> make_v1_manager(DirMap dirs, CreatedMap created, bool rootless);
// cgroupfs v2: one directory in the unified tree.
std::unique_ptr<Manager> make_v2_manager(std::string dir, std::string created, bool rootless);

// The container directories for cgroups_path on this layout (absolute, relative to the runtime's own cgroups,
// or the default), one per hierarchy.
DirMap container_dirs(const Layout& l, const std::map<std::string, std::string>& own, std::string_view cgroups_path,
                      std::string_view id);

// saved_path() is a small JSON object: {"driver":"cgroupfs","dirs":{"memory":"/sys/fs/cgroup/memory/x",...},
// "created":{...}} (systemd adds "unit"). It keeps resolved directories because a relative path depends on
// the cgroup of the process that created the container, which a later command does not share.
struct Saved {
    std::string driver;
    DirMap dirs;
    CreatedMap created;
    std::string unit;
};
std::string encode_saved(const Saved& s);
Saved decode_saved(const std::string& text);

// Removes dir (and its sub-cgroups), then its now-empty parents up to and including top (when top is an
// ancestor of dir or dir itself). Parents still holding other cgroups stay.
void remove_created(const std::string& dir, const std::string& top);

// dir opened for CLONE_INTO_CGROUP (O_PATH is enough for clone3).
OwnedFd open_clone_into(const std::string& dir);

// Signals every process in d and below.
void signal_procs(const Dir& d, int sig);
// SIGKILLs what is in d until it is empty (a fork can race a single pass), or throws after timeout_ms.
void kill_until_empty(const Dir& d, int timeout_ms);
// rmdir of d and its children, retrying while the kernel still counts exiting tasks (EBUSY).
void remove_with_retry(const std::string& d);

}  // namespace ocirt::cgroups
