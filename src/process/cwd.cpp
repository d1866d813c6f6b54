#include "process/cwd.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "base/error.hpp"
#include "base/fd.hpp"

namespace ocirt::process {
namespace {

// Before Linux 5.6 (ENOSYS) only the getcwd check below stands.
OwnedFd open_dir(const std::string& cwd) {
    open_how how{};
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_NO_MAGICLINKS;
    long fd = ::syscall(SYS_openat2, AT_FDCWD, cwd.c_str(), &how, sizeof how);
    if (fd < 0 && errno == ENOSYS) fd = ::open(cwd.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    return OwnedFd(static_cast<int>(fd));
}

void make_dirs(const std::string& cwd) {
    for (size_t i = 1; i <= cwd.size(); ++i) {
        if (i != cwd.size() && cwd[i] != '/') continue;
        std::string partial = cwd.substr(0, i);
        if (::mkdir(partial.c_str(), 0755) < 0 && errno != EEXIST)
            throw Error(errno, "mkdir", partial).context("process.cwd");
    }
}

}  // namespace

void enter_cwd(const std::string& cwd, bool create) {
    OwnedFd dir = open_dir(cwd);
    if (!dir.valid() && errno == ENOENT && create) {
        make_dirs(cwd);
        dir = open_dir(cwd);
    }
    if (!dir.valid()) {
        int err = errno;
        throw Error(err, "open", cwd + (err == ELOOP ? " (magic links such as /proc/self/fd/N are not followed)" : ""))
            .context("process.cwd");
    }
    if (::fchdir(dir.get()) < 0) throw Error(errno, "chdir", cwd).context("process.cwd");
    char buf[PATH_MAX];
    if (!::getcwd(buf, sizeof buf) || buf[0] != '/')
        throw Error("process.cwd: " + cwd + " is outside the container");
}

}  // namespace ocirt::process
