// Namespaces: which ones clone3 creates, which the child creates afterwards with unshare, which are joined
// (setns on a path), and the user namespace's id maps. The plan is plain data computed in the parent.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/fd.hpp"
#include "spec/config.hpp"
#include "sys/syscalls.hpp"

namespace ocirt::namespaces {

int clone_flag(spec::NamespaceType t);
const char* proc_name(spec::NamespaceType t);  // the name under /proc/<pid>/ns/

struct Join {
    spec::NamespaceType type;
    std::string path;
};

struct Plan {
    // Created by clone3 itself. Kept small on purpose: the cgroup namespace must be created after the parent
    // moved the child into its cgroup, and the time namespace after the child wrote its offsets.
    unsigned long clone_flags = 0;
    // Created by the child with unshare(): after the joins (so a joined user namespace owns them), after
    // the cgroup move (cgroup), before the first exec (time: the offsets must be set before anyone enters).
    unsigned long unshare_flags = 0;
    // Joined by the child in this order (user first: it decides what the others may do).
    std::vector<Join> child_joins;
    // Joined by the parent before clone3: pid and time namespaces apply to children only.
    std::vector<Join> parent_joins;
    bool new_user = false;
    bool join_user = false;
    // A joined user namespace (child_joins[0]) with a new pid namespace: the pid namespace must be owned by
    // the joined user namespace (Kubernetes pods with user namespaces), so the clone is made from inside it.
    bool clone_in_user = false;
    std::vector<spec::IdMapping> uid_mappings, gid_mappings;
    std::string uid_map;  // contents for /proc/<pid>/uid_map ("0 1000 1\n...")
    std::string gid_map;
    std::string time_offsets;  // contents for /proc/self/timens_offsets ("monotonic 5 0\n...")
};

Plan make_plan(const spec::Linux& l);

// Opens every path of plan.child_joins (index for index), in the parent, before clone.
std::vector<OwnedFd> open_joins(const std::vector<Join>& joins);
// Parent: setns into the parent_joins (pid_for_children / time_for_children).
void join_for_children(const std::vector<Join>& joins);
// Parent: writes the child's uid_map and gid_map, directly or (unprivileged, several ids) with newuidmap and
// newgidmap.
void write_id_maps(pid_t child, const Plan& p);
// Child: setns into child_joins (fds from open_joins), then unshare(unshare_flags & ~CLONE_NEWTIME|NEWCGROUP);
// cgroup and time are done by unshare_late().
void enter(sys::Syscalls& s, const Plan& p, const std::vector<OwnedFd>& fds);
// Child, after the parent moved it into its cgroup: the cgroup namespace, then the time namespace + offsets.
void unshare_late(sys::Syscalls& s, const Plan& p);

}  // namespace ocirt::namespaces
