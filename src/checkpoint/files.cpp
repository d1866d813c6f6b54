#include "checkpoint/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "base/error.hpp"
#include "base/fd.hpp"

namespace ocirt::checkpoint {

void make_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0700) < 0 && errno != EEXIST) throw Error(errno, "mkdir", path);
}

void write_file(const std::string& path, const std::string& content) {
    OwnedFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd.valid()) throw Error(errno, "open", path);
    if (::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()))
        throw Error(errno, "write", path);
}

std::string real_path(const std::string& path) {
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) throw Error(errno, "realpath", path);
    return buf;
}

}  // namespace ocirt::checkpoint
