// config.json -> rootfs Plan, in the parent. Pure apart from detect_host(), so it is unit-tested without root.
#include "rootfs/plan.hpp"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <array>
#include <string_view>

#include "base/error.hpp"
#include "rootfs/rootfs.hpp"
#include "sys/identity.hpp"

namespace ocirt::rootfs {
namespace {

std::string mount_what(size_t i, const spec::Mount& m) {
    return "mounts[" + std::to_string(i) + "] (" + m.destination + ")";
}

unsigned long propagation_flag(const std::string& name) {
    Options o = parse_options({name});
    if (o.propagation == 0 || o.flags != 0) throw Error("linux.rootfsPropagation: unknown value \"" + name + "\"");
    return o.propagation;
}

// Per-mount MS_* flags of a bind as mount_setattr attributes (the superblock ones cannot change on a bind).
Attrs bind_attrs(const Options& o) {
    struct Pair {
        unsigned long ms;
        uint64_t attr;
    };
    constexpr std::array<Pair, 5> pairs{{{MS_RDONLY, MOUNT_ATTR_RDONLY},
                                         {MS_NOSUID, MOUNT_ATTR_NOSUID},
                                         {MS_NODEV, MOUNT_ATTR_NODEV},
                                         {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
                                         {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}}};
    Attrs a;
    for (auto [ms, attr] : pairs) {
        if (o.flags & ms) a.set |= attr;
        if (o.cleared & ms) a.clr |= attr;
    }
    if (o.flags & MS_NOSYMFOLLOW) a.set |= MOUNT_ATTR_NOSYMFOLLOW;
    if (o.cleared & MS_NOSYMFOLLOW) a.clr |= MOUNT_ATTR_NOSYMFOLLOW;
    // The atime mode is one field: any atime option rewrites all of it.
    const unsigned long atime = MS_NOATIME | MS_STRICTATIME | MS_RELATIME;
    if ((o.flags | o.cleared) & atime) {
        a.clr |= MOUNT_ATTR__ATIME;
        if (o.flags & MS_NOATIME)
            a.set |= MOUNT_ATTR_NOATIME;
        else if (o.flags & MS_STRICTATIME)
            a.set |= MOUNT_ATTR_STRICTATIME;
        else
            a.set |= MOUNT_ATTR_RELATIME;
    }
    return a;
}

bool takes_label(std::string_view type) {
    // proc and sysfs reject context=; mqueue is labelled on the file, as runc does.
    return type != "proc" && type != "sysfs" && type != "mqueue" && type != "cgroup" && type != "cgroup2";
}

void add_idmap(MountOp& op, const spec::Mount& m, const spec::Config& c, const Options& o) {
    if (!o.idmap && m.uidMappings.empty() && m.gidMappings.empty()) return;
    if (op.kind != MountKind::bind) throw Error(op.what + ": options: idmap needs a bind mount");
    if (m.uidMappings.empty() != m.gidMappings.empty())
        throw Error(op.what + ": uidMappings and gidMappings must be given together");
    op.idmap = true;
    op.idmap_recursive = o.idmap_recursive;
    op.uidMappings = m.uidMappings;
    op.gidMappings = m.gidMappings;
    if (op.uidMappings.empty() && c.linux_) {
        op.uidMappings = c.linux_->uidMappings;
        op.gidMappings = c.linux_->gidMappings;
    }
    if (op.uidMappings.empty())
        throw Error(op.what + ": options: idmap without uidMappings/gidMappings needs a user namespace");
}

MountOp plan_mount(size_t i, const spec::Mount& m, const spec::Config& c, const std::string& bundle,
                   const Host& host) {
    MountOp op;
    op.what = mount_what(i, m);
    op.destination = clean_relative(m.destination);
    if (op.destination.empty()) throw Error(op.what + ": destination: cannot mount over the container's /");
    op.source = m.source.value_or("");
    op.type = m.type.value_or("");
    Options o = parse_options(m.options);
    op.propagation = o.propagation;
    op.recursive = o.recursive;
    op.copy_up = o.copy_up && op.type == "tmpfs";
    op.attrs = bind_attrs(o);  // binds, and the binds a cgroup mount may turn into
    if ((o.flags & MS_BIND) || op.type == "bind") {
        op.kind = MountKind::bind;
        if (op.source.empty()) throw Error(op.what + ": source: a bind mount needs a source");
        if (op.source[0] != '/') op.source = bundle + "/" + op.source;
        op.flags = MS_BIND | (o.flags & MS_REC);
    } else if (op.type == "cgroup" || op.type == "cgroup2") {
        op.kind = (host.cgroup_v2 || op.type == "cgroup2") ? MountKind::cgroup_v2 : MountKind::cgroup_v1;
        op.flags = o.flags;
        op.data = o.data;
        op.cgroupns = c.linux_ && c.linux_->find_namespace(spec::NamespaceType::cgroup);
        if (op.kind == MountKind::cgroup_v1) op.hierarchies = host.cgroup_v1;
        op.source = op.kind == MountKind::cgroup_v2 ? "cgroup2" : "cgroup";
        op.type = op.source;
    } else {
        op.flags = o.flags;
        op.data = o.data;
        const auto& label = c.linux_ ? c.linux_->mountLabel : std::nullopt;
        if (host.selinux && label && !label->empty() && takes_label(op.type))
            op.data += (op.data.empty() ? "context=\"" : ",context=\"") + *label + "\"";
    }
    add_idmap(op, m, c, o);
    return op;
}

mode_t device_type(const spec::Device& d, const std::string& what) {
    if (d.type == "c" || d.type == "u") return S_IFCHR;
    if (d.type == "b") return S_IFBLK;
    if (d.type == "p") return S_IFIFO;
    throw Error(what + ".type: unknown device type \"" + d.type + "\"");
}

void plan_devices(Plan& p, const spec::Config& c, bool userns) {
    for (const auto& d : kDefaultDevices) {
        DeviceOp op;
        op.path = std::string("dev/") + d.name;
        op.mode = S_IFCHR | 0666;
        op.dev = makedev(d.major, d.minor);
        op.bind = userns;
        op.host_path = "/" + op.path;
        op.what = "default device /" + op.path;
        p.devices.push_back(std::move(op));
    }
    if (!c.linux_) return;
    for (size_t i = 0; i < c.linux_->devices.size(); ++i) {
        const auto& d = c.linux_->devices[i];
        DeviceOp op;
        op.what = "linux.devices[" + std::to_string(i) + "]";
        op.path = clean_relative(d.path);
        op.mode = device_type(d, op.what) | (d.fileMode.value_or(0666) & 07777);
        op.dev = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
        op.uid = d.uid.value_or(0);
        op.gid = d.gid.value_or(0);
        op.bind = userns;
        op.host_path = "/" + op.path;
        // A configured device replaces a default one of the same path.
        std::erase_if(p.devices, [&](const DeviceOp& o) { return o.path == op.path; });
        p.devices.push_back(std::move(op));
    }
}

void plan_dev_links(Plan& p) {
    p.symlinks = {{"/proc/self/fd", "dev/fd"},         {"/proc/self/fd/0", "dev/stdin"},
                  {"/proc/self/fd/1", "dev/stdout"},   {"/proc/self/fd/2", "dev/stderr"},
                  {"/proc/kcore", "dev/core"},         {"pts/ptmx", "dev/ptmx"}};
}

}  // namespace

std::string clean_relative(const std::string& path) {
    std::vector<std::string_view> parts;
    std::string_view rest(path);
    while (!rest.empty()) {
        size_t slash = rest.find('/');
        std::string_view part = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(part);
    }
    std::string out;
    for (auto part : parts) {
        if (!out.empty()) out += '/';
        out += part;
    }
    return out;
}

Plan make_plan(const spec::Config& c, const std::string& bundle_dir, bool userns, const Host& host) {
    Plan p;
    if (!c.root || c.root->path.empty()) throw Error("root.path: missing");
    p.root = c.root->path[0] == '/' ? c.root->path : bundle_dir + "/" + c.root->path;
    p.readonly = c.root->readonly;
    p.root_propagation = MS_SLAVE | MS_REC;
    if (c.linux_ && c.linux_->rootfsPropagation && !c.linux_->rootfsPropagation->empty()) {
        p.rootfs_propagation = propagation_flag(*c.linux_->rootfsPropagation);
        // Private asks for no propagation from the host at all; every other choice starts as a slave so that
        // nothing done while building the rootfs can reach the host.
        if (p.rootfs_propagation & MS_PRIVATE) p.root_propagation = MS_PRIVATE | MS_REC;
    }
    // config-linux.md "Default devices": the runtime supplies them whatever /dev is, unless /dev is a bind
    // mount, whose nodes are the ones its owner meant.
    p.setup_dev = true;
    for (size_t i = 0; i < c.mounts.size(); ++i) {
        p.mounts.push_back(plan_mount(i, c.mounts[i], c, bundle_dir, host));
        const auto& op = p.mounts.back();
        if (op.destination == "dev") p.setup_dev = op.kind != MountKind::bind;
    }
    if (p.setup_dev) {
        plan_devices(p, c, userns);
        plan_dev_links(p);
    }
    if (c.linux_) {
        for (const auto& m : c.linux_->maskedPaths) p.masked.push_back(clean_relative(m));
        for (const auto& r : c.linux_->readonlyPaths) p.readonly_paths.push_back(clean_relative(r));
    }
    return p;
}

bool devices_are_binds(const spec::Config& c) {
    return (c.linux_ && c.linux_->find_namespace(spec::NamespaceType::user)) || sys::in_user_namespace();
}

Plan make_plan(const spec::Config& c, const std::string& bundle_dir, bool userns) {
    return make_plan(c, bundle_dir, userns, detect_host());
}

}  // namespace ocirt::rootfs
