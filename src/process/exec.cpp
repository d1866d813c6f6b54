#include "process/exec.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "sys/syscalls.hpp"

namespace ocirt::process {
namespace {

// The executable's path is resolved while ocirt still holds fds of its own: through a magic link
// (/proc/self/fd/N/..., directly or via $PATH) it could reach a directory of the host, so none is followed.
int open_no_magic(const std::string& p) { return sys::open_no_magiclinks(sys::real(), p, 0); }

bool is_executable_file(const std::string& p) {
    OwnedFd fd(open_no_magic(p));
    struct stat st {};
    return fd.valid() && ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::faccessat(fd.get(), "", X_OK, AT_EMPTY_PATH) == 0;
}

std::vector<char*> c_array(const std::vector<std::string>& v) {
    std::vector<char*> out;
    out.reserve(v.size() + 1);
    for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

}  // namespace

std::string find_executable(const std::string& arg0, const std::vector<std::string>& env) {
    if (arg0.find('/') != std::string::npos) {
        OwnedFd fd(open_no_magic(arg0));
        if (!fd.valid()) throw Error(errno, "exec", "\"" + arg0 + "\"");
        return arg0;
    }
    std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (const auto& e : env)
        if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string dir = path.substr(start, end - start);
        std::string cand = (dir.empty() ? "." : dir) + "/" + arg0;
        if (is_executable_file(cand)) return cand;
        start = end + 1;
    }
    throw Error("exec: \"" + arg0 + "\": executable file not found in $PATH");
}

void exec(const std::string& path, const std::vector<std::string>& args, const std::vector<std::string>& env,
          int first_closed) {
    // CLOEXEC rather than close: fds the exec itself needs (e.g. a seccomp listener already sent) stay valid
    // until the kernel swaps the image, and nothing of ours survives it.
    if (::syscall(SYS_close_range, static_cast<unsigned>(first_closed), ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        throw Error(errno, "close_range");
    std::vector<char*> argv = c_array(args);
    std::vector<char*> envp = c_array(env);
    ::execve(path.c_str(), argv.data(), envp.data());
    int err = errno;
    if (err == EACCES) throw Error(err, "exec", "\"" + path + "\"").context("permission denied");
    throw Error(err, "exec", "\"" + path + "\"");
}

}  // namespace ocirt::process
