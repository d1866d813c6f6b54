#include "process/cwd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "sys/syscalls.hpp"

namespace ocirt::process {
namespace {

// Before Linux 5.6 only the getcwd check below stands (see sys::open_no_magiclinks).
OwnedFd open_dir(const std::string& cwd) { return OwnedFd(sys::open_no_magiclinks(sys::real(), cwd, O_DIRECTORY)); }

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
