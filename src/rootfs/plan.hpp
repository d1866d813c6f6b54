// The rootfs plan: everything the child needs to build the container's filesystem, computed in the parent as
// plain data (flags, data strings, paths relative to the rootfs) so the child only executes it.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "spec/config.hpp"

namespace ocirt::rootfs {

// Attributes for mount_setattr(2): what to set and clear, and whether the call walks the whole subtree.
struct Attrs {
    uint64_t set = 0;
    uint64_t clr = 0;
    bool empty() const { return set == 0 && clr == 0; }
};

// mount(8) options split by how they are applied.
struct Options {
    unsigned long flags = 0;        // MS_* for mount(2) (ro, nosuid, bind, rec, remount...)
    unsigned long cleared = 0;      // MS_* an option asked to clear (rw, suid...), for bind attrs
    unsigned long propagation = 0;  // MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE [| MS_REC]
    Attrs recursive;                // rro, rnosuid... (mount_setattr with AT_RECURSIVE)
    bool idmap = false;             // idmap / ridmap
    bool idmap_recursive = false;
    bool copy_up = false;           // tmpcopyup: the new tmpfs starts with what the image had there
    std::string data;  // unknown options, comma-joined, in order (size=, mode=...)
};

// Parses mount(8) options; unknown ones go to data. Pure.
Options parse_options(const std::vector<std::string>& opts);
// Every option name parse_options understands (for `ocirt features`); anything else becomes filesystem data.
std::vector<std::string> known_mount_options();

enum class MountKind {
    fresh,      // a new filesystem: mount(source, target, type, flags, data)
    bind,       // open_tree clone of a host path, attributes set, moved onto the target
    cgroup_v1,  // tmpfs + one bind (or cgroup mount in a cgroupns) per hierarchy, read-only at the end
    cgroup_v2,  // cgroup2
};

// One hierarchy of a cgroup v1 mount: its directory name under the cgroup tmpfs, what to mount there, and
// symlinks for the joined names ("cpu" -> "cpu,cpuacct").
struct CgroupHierarchy {
    std::string name;         // "cpu,cpuacct"
    std::string host_path;    // bind source (no cgroupns)
    std::string controllers;  // mount data in a cgroupns ("cpu,cpuacct", "name=systemd")
    bool v2 = false;          // the unified hierarchy of a hybrid host
    std::vector<std::string> links;
};

struct MountOp {
    MountKind kind = MountKind::fresh;
    std::string source;       // fresh: device name; bind: absolute host path
    std::string destination;  // relative to the rootfs, no leading '/', normalised ("dev/pts")
    std::string type;
    unsigned long flags = 0;  // fresh: MS_* as given; bind: MS_BIND [| MS_REC]
    std::string data;         // with context="mountLabel" where it applies
    Attrs attrs;              // bind: per-mount attributes (top mount only)
    Attrs recursive;          // all kinds: r* options, applied with AT_RECURSIVE
    unsigned long propagation = 0;
    bool idmap = false, idmap_recursive = false;
    bool copy_up = false;  // fresh tmpfs only: copy the directory it covers into it
    std::vector<spec::IdMapping> uidMappings, gidMappings;
    int userns_fd = -1;  // for idmap: set in the parent by open_idmap_namespaces()
    bool cgroupns = false;
    std::vector<CgroupHierarchy> hierarchies;  // cgroup_v1
    std::string what;  // "mounts[3] (/dev/pts)" for error messages
};

struct DeviceOp {
    std::string path;  // relative to the rootfs ("dev/null")
    mode_t mode = 0;   // S_IFCHR | 0666
    dev_t dev = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    bool bind = false;      // user namespace: bind the host node instead of mknod
    std::string host_path;  // bind source ("/dev/null")
    std::string what;
};

struct Symlink {
    std::string target;  // "/proc/self/fd"
    std::string path;    // relative to the rootfs ("dev/fd")
};

// What make_plan needs to know about the host, detected once in the parent (tests pass their own).
struct Host {
    bool selinux = false;    // context= is only understood by filesystems when SELinux is on
    bool cgroup_v2 = false;  // unified only: mount cgroup2
    std::vector<CgroupHierarchy> cgroup_v1;  // v1 (and hybrid) hierarchies, links filled in
};

// Reads /proc/self/mountinfo. host_path of each hierarchy is the hierarchy's root; the runtime may point it
// at the container's own cgroup directory instead.
Host detect_host();

struct Plan {
    std::string root;                    // the rootfs, absolute host path
    unsigned long root_propagation = 0;  // for "/" before anything else
    unsigned long rootfs_propagation = 0;  // rootfsPropagation, re-applied to the new "/" after pivot
    bool readonly = false;
    std::vector<MountOp> mounts;
    bool setup_dev = false;  // /dev is not a bind mount: create default devices, symlinks, ptmx
    std::vector<DeviceOp> devices;
    std::vector<Symlink> symlinks;
    std::vector<std::string> masked;    // relative to the rootfs
    std::vector<std::string> readonly_paths;
};

// config-linux.md "Default devices": every container's /dev has them, made with mknod or, where mknod is not
// allowed (devices_are_binds in rootfs.hpp), bound from the host's nodes of the same path.
struct DefaultDevice {
    const char* name;  // under /dev
    unsigned major, minor;
};
inline constexpr std::array<DefaultDevice, 6> kDefaultDevices{
    {{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}}};

// Pure: the plan for a config, given the host's cgroup layout.
Plan make_plan(const spec::Config& c, const std::string& bundle_dir, bool userns, const Host& host);

// "/a//b/../c/" -> "a/c" (lexical, never above the root): destinations stay inside the rootfs.
std::string clean_relative(const std::string& path);

}  // namespace ocirt::rootfs
