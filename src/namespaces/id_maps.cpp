// User namespace id maps (config-linux.md "User namespace mappings"), written by the parent once the child
// exists and before it goes on. Who may write what is the kernel's rule (user_namespaces(7)):
//   - with CAP_SETUID/CAP_SETGID over the parent namespace (root, or root of an engine's user namespace, as
//     in rootless Podman) any map of ids we hold is written directly;
//   - an unprivileged caller may map only its own uid and gid, one id each, and only after writing "deny"
//     to setgroups (so the container cannot drop a group that denies it access);
//   - anything more (the subordinate ranges of /etc/subuid) goes through the setuid helpers newuidmap and
//     newgidmap from shadow's uidmap package, which check the ranges against /etc/subuid and /etc/subgid.
#include <fcntl.h>
#include <linux/capability.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "namespaces/namespaces.hpp"
#include "sys/procfs.hpp"

extern char** environ;

namespace ocirt::namespaces {
namespace {

bool effective_cap(unsigned cap) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &hdr, data) < 0) return false;
    return data[cap / 32].effective & (1u << (cap % 32));
}

bool only_own_id(const std::vector<spec::IdMapping>& m, uint32_t id) {
    return m.size() == 1 && m[0].hostID == id && m[0].size == 1;
}

// Through the runtime's procfs handle, whose pids are the parent's view. The kernel takes a whole map in one
// write() and rejects partial ones.
void write_proc(pid_t pid, const char* file, const std::string& data) {
    OwnedFd fd = sys::procfs::open_pid(pid, file, O_WRONLY);
    sys::procfs::write_all(fd.borrow(), data, "/proc/" + std::to_string(pid) + "/" + file);
}

void run_helper(const char* prog, pid_t pid, const std::vector<spec::IdMapping>& maps) {
    std::vector<std::string> args{prog, std::to_string(pid)};
    for (const auto& m : maps) {
        args.push_back(std::to_string(m.containerID));
        args.push_back(std::to_string(m.hostID));
        args.push_back(std::to_string(m.size));
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t helper;
    if (int rc = posix_spawnp(&helper, prog, nullptr, nullptr, argv.data(), environ); rc != 0)
        throw Error(rc, std::string("run ") + prog, "it comes with Debian's uidmap package");
    int status = 0;
    while (waitpid(helper, &status, 0) < 0)
        if (errno != EINTR) throw Error(errno, "waitpid", prog);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                        : "was killed by signal " + std::to_string(WTERMSIG(status));
    throw Error(std::string(prog) + " " + how + ": are the ranges in /etc/subuid and /etc/subgid for this user?");
}

}  // namespace

void write_id_maps(pid_t child, const Plan& p) {
    if (!p.new_user) return;
    const bool set_uid = effective_cap(CAP_SETUID), set_gid = effective_cap(CAP_SETGID);
    try {
        if (set_uid || only_own_id(p.uid_mappings, geteuid())) {
            if (!p.uid_mappings.empty()) write_proc(child, "uid_map", p.uid_map);
        } else {
            run_helper("newuidmap", child, p.uid_mappings);
        }
    } catch (Error& e) {
        throw e.context("linux.uidMappings");
    }
    try {
        if (set_gid) {
            if (!p.gid_mappings.empty()) write_proc(child, "gid_map", p.gid_map);
        } else if (only_own_id(p.gid_mappings, getegid())) {
            write_proc(child, "setgroups", "deny");
            write_proc(child, "gid_map", p.gid_map);
        } else {
            run_helper("newgidmap", child, p.gid_mappings);
        }
    } catch (Error& e) {
        throw e.context("linux.gidMappings");
    }
}

}  // namespace ocirt::namespaces
