#include "process/user.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "base/error.hpp"
#include "base/fd.hpp"

namespace ocirt::process {
namespace {

bool setgroups_denied() {
    OwnedFd fd(::open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC));
    char buf[8] = {};
    return fd.valid() && ::read(fd.get(), buf, sizeof buf - 1) > 0 && strncmp(buf, "deny", 4) == 0;
}

}  // namespace

void switch_user(const spec::User& u) {
    if (!setgroups_denied()) {
        std::vector<gid_t> groups(u.additionalGids.begin(), u.additionalGids.end());
        if (::setgroups(groups.size(), groups.data()) < 0)
            throw Error(errno, "setgroups").context("process.user.additionalGids");
    }
    if (::setresgid(u.gid, u.gid, u.gid) < 0) throw Error(errno, "setresgid", std::to_string(u.gid)).context("process.user.gid");
    check(::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)");
    if (::setresuid(u.uid, u.uid, u.uid) < 0) throw Error(errno, "setresuid", std::to_string(u.uid)).context("process.user.uid");
    check(::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0), "prctl(PR_SET_KEEPCAPS)");
    if (u.umask) ::umask(*u.umask);
}

std::string home_of(uint32_t uid) {
    std::unique_ptr<FILE, int (*)(FILE*)> f(::fopen("/etc/passwd", "re"), ::fclose);
    if (!f) return "/";
    char line[1024];
    while (::fgets(line, sizeof line, f.get())) {
        // name:passwd:uid:gid:gecos:home:shell
        char* fields[7] = {};
        char* p = line;
        int n = 0;
        for (; n < 7 && p; ++n) {
            fields[n] = p;
            p = strchr(p, ':');
            if (p) *p++ = 0;
        }
        if (n >= 6 && strtoul(fields[2], nullptr, 10) == uid && fields[5][0] == '/') return fields[5];
    }
    return "/";
}

}  // namespace ocirt::process
