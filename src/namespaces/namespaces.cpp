#include "namespaces/namespaces.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/error.hpp"
#include "sys/procfs.hpp"

namespace ocirt::namespaces {

using spec::NamespaceType;

int clone_flag(NamespaceType t) {
    switch (t) {
    case NamespaceType::pid: return CLONE_NEWPID;
    case NamespaceType::network: return CLONE_NEWNET;
    case NamespaceType::mount: return CLONE_NEWNS;
    case NamespaceType::ipc: return CLONE_NEWIPC;
    case NamespaceType::uts: return CLONE_NEWUTS;
    case NamespaceType::user: return CLONE_NEWUSER;
    case NamespaceType::cgroup: return CLONE_NEWCGROUP;
    case NamespaceType::time: return CLONE_NEWTIME;
    }
    return 0;
}

const char* proc_name(NamespaceType t) {
    switch (t) {
    case NamespaceType::pid: return "pid";
    case NamespaceType::network: return "net";
    case NamespaceType::mount: return "mnt";
    case NamespaceType::ipc: return "ipc";
    case NamespaceType::uts: return "uts";
    case NamespaceType::user: return "user";
    case NamespaceType::cgroup: return "cgroup";
    case NamespaceType::time: return "time";
    }
    return "";
}

namespace {

std::string map_text(const std::vector<spec::IdMapping>& m) {
    std::string out;
    for (const auto& e : m)
        out += std::to_string(e.containerID) + " " + std::to_string(e.hostID) + " " + std::to_string(e.size) + "\n";
    return out;
}

}  // namespace

Plan make_plan(const spec::Linux& l) {
    Plan p;
    const spec::Namespace* user = l.find_namespace(NamespaceType::user);
    bool join_user = user && user->path;
    p.new_user = user && !user->path;
    p.join_user = join_user;
    if (user && user->path) p.child_joins.push_back({NamespaceType::user, *user->path});
    for (const auto& ns : l.namespaces) {
        if (ns.type == NamespaceType::user) continue;
        if (ns.path) {
            bool for_children = ns.type == NamespaceType::pid || ns.type == NamespaceType::time;
            (for_children ? p.parent_joins : p.child_joins).push_back({ns.type, *ns.path});
            continue;
        }
        int f = clone_flag(ns.type);
        bool late = ns.type == NamespaceType::cgroup || ns.type == NamespaceType::time;
        // A new pid namespace can only be entered by a new process, so clone3 creates it; with a joined user
        // namespace it must be created from inside that namespace (see clone_in_user).
        if (late || (join_user && ns.type != NamespaceType::pid))
            p.unshare_flags |= f;
        else
            p.clone_flags |= f;
    }
    p.clone_in_user = join_user && (p.clone_flags & CLONE_NEWPID);
    if (p.new_user) p.clone_flags |= CLONE_NEWUSER;
    // The mount namespace is joined last: the other paths are resolved in the runtime's mount namespace.
    std::stable_partition(p.child_joins.begin(), p.child_joins.end(),
                          [](const Join& j) { return j.type != NamespaceType::mount; });
    p.uid_mappings = l.uidMappings;
    p.gid_mappings = l.gidMappings;
    p.uid_map = map_text(l.uidMappings);
    p.gid_map = map_text(l.gidMappings);
    for (const auto& [clock, off] : l.timeOffsets)
        p.time_offsets += clock + " " + std::to_string(off.secs) + " " + std::to_string(off.nanosecs) + "\n";
    return p;
}

std::vector<OwnedFd> open_joins(const std::vector<Join>& joins) {
    std::vector<OwnedFd> fds;
    fds.reserve(joins.size());
    for (const auto& j : joins) {
        OwnedFd fd(::open(j.path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd.valid())
            throw Error(errno, "open", j.path).context(std::string("linux.namespaces[") + proc_name(j.type) + "].path");
        fds.push_back(std::move(fd));
    }
    return fds;
}

void join_for_children(const std::vector<Join>& joins) {
    std::vector<OwnedFd> fds = open_joins(joins);
    for (size_t i = 0; i < joins.size(); ++i)
        check(::setns(fds[i].get(), clone_flag(joins[i].type)), "setns", joins[i].path);
}

void enter(sys::Syscalls& s, const Plan& p, const std::vector<OwnedFd>& fds) {
    for (size_t i = 0; i < p.child_joins.size(); ++i) {
        const Join& j = p.child_joins[i];
        if (s.setns(fds[i].get(), clone_flag(j.type)) < 0) throw Error(errno, "setns", j.path);
    }
    unsigned long now = p.unshare_flags & ~static_cast<unsigned long>(CLONE_NEWCGROUP | CLONE_NEWTIME);
    if (now && s.unshare(static_cast<int>(now)) < 0) throw Error(errno, "unshare namespaces");
}

void unshare_late(sys::Syscalls& s, const Plan& p) {
    if ((p.unshare_flags & CLONE_NEWCGROUP) && s.unshare(CLONE_NEWCGROUP) < 0)
        throw Error(errno, "unshare", "cgroup namespace");
    if (p.unshare_flags & CLONE_NEWTIME) {
        if (s.unshare(CLONE_NEWTIME) < 0) throw Error(errno, "unshare", "time namespace");
        if (!p.time_offsets.empty()) {
            try {
                OwnedFd fd = sys::procfs::open_self("timens_offsets", O_WRONLY);
                sys::procfs::write_all(fd.borrow(), p.time_offsets, "/proc/self/timens_offsets");
            } catch (Error& e) {
                throw e.context("linux.timeOffsets");
            }
        }
    }
}

}  // namespace ocirt::namespaces
