#include "checkpoint/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "base/log.hpp"

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

ImageDirSearch::ImageDirSearch(std::string dir, gid_t gid) : dir_(std::move(dir)) {
    struct stat st {};
    if (::stat(dir_.c_str(), &st) < 0) throw Error(errno, "stat", dir_);
    if (st.st_mode & S_IXOTH) return;
    gid_ = st.st_gid;
    mode_ = st.st_mode & 07777;
    if (::chmod(dir_.c_str(), (mode_ & ~S_IRWXG) | S_IXGRP) < 0) throw Error(errno, "chmod", dir_);
    if (::chown(dir_.c_str(), static_cast<uid_t>(-1), gid) < 0) {
        Error e(errno, "chown", dir_);
        ::chmod(dir_.c_str(), mode_);
        throw e;
    }
    changed_ = true;
}

ImageDirSearch::~ImageDirSearch() {
    if (!changed_) return;
    if (::chown(dir_.c_str(), static_cast<uid_t>(-1), gid_) < 0 || ::chmod(dir_.c_str(), mode_) < 0)
        log::warn("restore: giving back the owner and mode of " + dir_ + ": " + strerror(errno));
}

}  // namespace ocirt::checkpoint
