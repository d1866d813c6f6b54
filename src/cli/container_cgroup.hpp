// What ps, pause, resume, events and update share: the container's state (locked), its status and its cgroup
// manager, with runc's error when the container is not in a state the command can use.
#pragma once

#include <memory>
#include <string>

#include "base/error.hpp"
#include "cgroups/manager.hpp"
#include "runtime/lifecycle.hpp"
#include "state/store.hpp"

namespace ocirt::cli {

struct ContainerCgroup {
    state::StateDir dir;
    state::State st;
    state::Status status;
    std::unique_ptr<cgroups::Manager> cg;
};

// Opens id under root and its cgroup. lock: hold the container's lock (pause/resume/update change it).
inline ContainerCgroup open_container_cgroup(const std::string& root, const std::string& id, bool lock) {
    auto dir = state::StateDir::open(root, id);
    if (lock) dir.lock();
    state::State st = dir.load();
    state::Status status = runtime::current_status(dir, st);
    if (st.cgroup.empty()) throw Error("container " + id + " has no cgroup (created without cgroup access)");
    auto cg = cgroups::open_manager(st.cgroup, st.systemd_cgroup);
    return ContainerCgroup{std::move(dir), std::move(st), status, std::move(cg)};
}

inline void require_status(const ContainerCgroup& c, std::initializer_list<state::Status> allowed, const char* verb) {
    for (auto s : allowed)
        if (c.status == s) return;
    throw Error(std::string("cannot ") + verb + " container " + c.st.id + ": it is " + state::to_string(c.status));
}

}  // namespace ocirt::cli
