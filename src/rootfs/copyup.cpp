// tmpcopyup (a runc extension Podman and CRI-O use): a tmpfs mounted over a directory of the image starts
// with a copy of that directory, so /run or /tmp keep the files the image ships there.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "base/error.hpp"
#include "rootfs/internal.hpp"

namespace ocirt::rootfs::detail {
namespace {

void copy_file(int from_dir, int to_dir, const char* name, const struct stat& st, const std::string& what) {
    OwnedFd in(::openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!in.valid()) throw Error(errno, "open", what + ": " + name);
    OwnedFd out(::openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777));
    if (!out.valid()) throw Error(errno, "create", what + ": " + name);
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(in.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(errno, "read", what + ": " + name);
        if (n == 0) break;
        if (::write(out.get(), buf, static_cast<size_t>(n)) != n) throw Error(errno, "write", what + ": " + name);
    }
    ::fchmod(out.get(), st.st_mode & 07777);
}

}  // namespace

OwnedFd reopen_dir(BorrowedFd path_fd, const std::string& what) {
    OwnedFd d(::openat(path_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!d.valid()) throw Error(errno, "open", what + " (tmpcopyup)");
    return d;
}

void copy_tree(BorrowedFd from, BorrowedFd to, const std::string& what) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(::dup(from.get())), ::closedir);
    if (!d) throw Error(errno, "opendir", what);
    ::rewinddir(d.get());
    while (dirent* e = ::readdir(d.get())) {
        const char* n = e->d_name;
        if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
        struct stat st {};
        if (::fstatat(from.get(), n, &st, AT_SYMLINK_NOFOLLOW) < 0) throw Error(errno, "stat", what + ": " + n);
        if (S_ISDIR(st.st_mode)) {
            if (::mkdirat(to.get(), n, st.st_mode & 07777) < 0 && errno != EEXIST) throw Error(errno, "mkdir", what + ": " + n);
            OwnedFd sub_from(::openat(from.get(), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            OwnedFd sub_to(::openat(to.get(), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub_from.valid() || !sub_to.valid()) throw Error(errno, "open", what + ": " + n);
            copy_tree(sub_from.borrow(), sub_to.borrow(), what);
        } else if (S_ISREG(st.st_mode)) {
            copy_file(from.get(), to.get(), n, st, what);
        } else if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t len = ::readlinkat(from.get(), n, target, sizeof target - 1);
            if (len < 0) throw Error(errno, "readlink", what + ": " + n);
            target[len] = 0;
            if (::symlinkat(target, to.get(), n) < 0) throw Error(errno, "symlink", what + ": " + n);
        } else {
            continue;  // device nodes, fifos and sockets are not copied
        }
        if (::fchownat(to.get(), n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
            throw Error(errno, "chown", what + ": " + n);
    }
}

}  // namespace ocirt::rootfs::detail
