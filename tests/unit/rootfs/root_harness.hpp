// For the "[rootfs-root]" tests: a busybox rootfs in a temporary directory, removed afterwards, and a way to
// run rootfs code in a forked child in its own mount namespace, so no mount ever reaches the host (the
// namespace dies with the child).
#pragma once

#include <functional>
#include <string>

#include "spec/config.hpp"

namespace ocirt::testing {

class TempRootfs {
public:
    TempRootfs();  // <tmp>/bundle/rootfs with bin/busybox and a few directories
    ~TempRootfs();
    TempRootfs(const TempRootfs&) = delete;
    TempRootfs& operator=(const TempRootfs&) = delete;

    const std::string& bundle() const { return bundle_; }
    std::string rootfs() const { return bundle_ + "/rootfs"; }
    std::string path(const std::string& rel) const { return rootfs() + "/" + rel; }
    void symlink(const std::string& target, const std::string& rel) const;
    void mkdir(const std::string& rel) const;
    void write(const std::string& rel, const std::string& content) const;

private:
    std::string dir_;
    std::string bundle_;
};

// The mounts, masked and read-only paths of `runc spec`, with root.path "rootfs".
spec::Config runc_default_config();

// Runs fn in a forked child after unshare(CLONE_NEWNS); returns what fn returned ("" = success) or the
// message of what it threw.
std::string in_mount_namespace(const std::function<std::string()>& fn);

// Mount points of this process (field 5 of /proc/self/mountinfo) with their mount options.
struct MountEntry {
    std::string point, options, fstype;
};
std::vector<MountEntry> mounts();
const MountEntry* find_mount(const std::vector<MountEntry>& all, const std::string& point);

bool am_root();

}  // namespace ocirt::testing
