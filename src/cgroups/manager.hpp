// The cgroup manager interface: one implementation per driver (cgroupfs v1, cgroupfs v2, systemd), chosen
// from what the host mounts and --systemd-cgroup. The runtime only talks to this interface.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/fd.hpp"
#include "spec/config.hpp"

namespace ocirt::cgroups {

// How a new process gets into the container's cgroup without anyone migrating it: moving another process
// takes the kernel's global threadgroup lock for writing, which waits for an RCU grace period (9-17 ms
// measured here on cgroup v1, the slowest step of a start). A process that writes "0" to a v1 `tasks` file
// moves only itself and skips that lock; CLONE_INTO_CGROUP places a child in a v2 directory at fork.
struct Entry {
    struct Tasks {
        OwnedFd fd;  // opened for writing by the runtime: the kernel checks the opener's credentials
        std::string path;
    };
    OwnedFd clone_into;        // a v2 directory for CLONE_INTO_CGROUP, or none
    std::vector<Tasks> tasks;  // v1 `tasks` files the new process writes "0" to, before anything else
    bool cloned = false;       // set by the caller once the clone into clone_into succeeded
};

// Child side of Entry: moves the calling (single-threaded) process through each tasks file, then closes them.
void enter_self(Entry& e);

struct Options {
    std::string cgroups_path;  // linux.cgroupsPath as given (may be empty: a default path is chosen)
    std::string id;            // container id (for the default path and systemd unit names)
    bool systemd = false;      // --systemd-cgroup
    bool rootless = false;     // not root: failures to create are tolerated when no resources are asked for
};

// The order the runtime uses: make_manager, create, apply(resources_for(linux)), entry(), clone, add_process,
// then saved_path() into state.json (it records the parents create() made, so call it after create). The
// systemd driver makes its scope in add_process (a scope needs a pid), so host_path() is known from then.
class Manager {
public:
    virtual ~Manager() = default;

    // What state.json keeps so a later command can reopen this cgroup with open_manager().
    virtual std::string saved_path() const = 0;
    // Creates the cgroup(s); an existing one is reused (a pod's parent, a restarted container).
    virtual void create() = 0;
    // Moves pid into the container's cgroup(s), except where `placed` (this manager's entry(), used for
    // pid) put it already.
    virtual void add_process(pid_t pid, const Entry& placed = {}) = 0;
    // The ways in for a process about to be cloned (empty where the driver has none: systemd moves pids).
    virtual Entry entry() const { return {}; }
    // Writes every resource in r; a resource the host cannot provide is an Error naming the field.
    virtual void apply(const spec::Resources& r) = 0;
    virtual void freeze(bool frozen) = 0;
    virtual bool is_frozen() const = 0;
    // Every pid in the cgroup (recursively), as seen from the caller's pid namespace.
    virtual std::vector<pid_t> pids() const = 0;
    // Sends sig to every process in the cgroup.
    virtual void kill_all(int sig) = 0;
    // Kills what is left (SIGKILL), waits for the cgroup to empty and removes it.
    virtual void destroy() = 0;
    // runc's "events --stats" JSON object for this cgroup ({"cpu":...,"memory":...,"pids":...}).
    virtual std::string stats_json() const = 0;
    // How many times the kernel's OOM killer has acted in this cgroup so far (for events' "oom" records).
    virtual uint64_t oom_kills() const = 0;
    // The container's cgroup directory as mounted in the host, for the cgroup namespace and ps (v2: the one
    // dir, v1: the memory or first controller's).
    virtual std::string host_path() const = 0;
};

// linux.resources plus allow rules for the devices the config creates (linux.devices), which a container
// must be able to open. apply() itself appends the default devices (null, zero, tty, pts...) to a non-empty
// device list, as runc and crun do.
spec::Resources resources_for(const spec::Linux& l);

// A manager for a new container.
std::unique_ptr<Manager> make_manager(const Options& opts);
// A manager for an existing container, from what saved_path() returned at create time.
std::unique_ptr<Manager> open_manager(const std::string& saved_path, bool systemd);

}  // namespace ocirt::cgroups
