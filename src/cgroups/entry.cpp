// Getting a new process into its cgroup without a migration from outside (manager.hpp, Entry).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"
#include "cgroups/drivers.hpp"

namespace ocirt::cgroups {

OwnedFd open_clone_into(const std::string& dir) {
    OwnedFd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) throw Error(errno, "open", dir).context("cgroup");
    return fd;
}

void enter_self(Entry& e) {
    // "0" is the writer itself; as a single thread (tasks, not cgroup.procs) it needs no threadgroup lock.
    for (auto& t : e.tasks) {
        if (::write(t.fd.get(), "0", 1) != 1) throw Error(errno, "write \"0\" to", t.path).context("cgroup");
        t.fd.reset();
    }
}

}  // namespace ocirt::cgroups
