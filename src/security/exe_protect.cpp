#include "security/exe_protect.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "base/log.hpp"

extern char** environ;

namespace ocirt::security {
namespace {

constexpr unsigned kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

bool is_protected(int exe) {
    struct statvfs sv {};
    if (fstatvfs(exe, &sv) == 0 && (sv.f_flag & ST_RDONLY)) return true;
    int seals = fcntl(exe, F_GET_SEALS);
    return seals >= 0 && (static_cast<unsigned>(seals) & kSeals) == kSeals;
}

// AT_EACCESS: the effective ids decide, as they do for the container's processes.
bool writable_by_us(int exe) { return faccessat(exe, "", W_OK, AT_EMPTY_PATH | AT_EACCESS) == 0; }

OwnedFd readonly_bind(int exe) {
    OwnedFd tree(static_cast<int>(
        syscall(SYS_open_tree, exe, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)));
    if (!tree.valid()) return tree;
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (syscall(SYS_mount_setattr, tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) return OwnedFd();
    return tree;
}

OwnedFd sealed_copy(int exe) {
    OwnedFd mem(memfd_create("ocirt", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!mem.valid()) throw Error(errno, "memfd_create", "protected copy of the ocirt binary");
    struct stat st {};
    if (fstat(exe, &st) < 0) throw Error(errno, "fstat", "/proc/self/exe");
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = sendfile(mem.get(), exe, &done, static_cast<size_t>(st.st_size - done));
        if (n < 0) throw Error(errno, "sendfile", "protected copy of the ocirt binary");
        if (n == 0) break;
    }
    if (fcntl(mem.get(), F_ADD_SEALS, kSeals) < 0) throw Error(errno, "seal", "protected copy of the ocirt binary");
    return mem;
}

}  // namespace

void protect_binary(char** argv) {
    OwnedFd exe(open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!exe.valid()) throw Error(errno, "open", "/proc/self/exe");
    // A protected image that still looked unprotected would loop forever; the marker stops a second round.
    const bool reexecuted = getenv("_OCIRT_REEXEC") != nullptr;
    if (reexecuted) {
        unsetenv("_OCIRT_REEXEC");
        // execveat named us after the fd ("4" in ps and top): take the name of argv[0] back.
        const char* base = strrchr(argv[0], '/');
        prctl(PR_SET_NAME, base ? base + 1 : argv[0], 0, 0, 0);
    }
    if (is_protected(exe.get()) || !writable_by_us(exe.get())) return;
    if (reexecuted) throw Error("the re-executed ocirt binary is still writable: refusing to start a container with it");
    OwnedFd target = readonly_bind(exe.get());
    if (!target.valid()) {
        log::debug("no read-only bind mount of the binary (" + std::string(strerror(errno)) + "), using a sealed copy");
        target = sealed_copy(exe.get());
    }
    setenv("_OCIRT_REEXEC", "1", 1);
    syscall(SYS_execveat, target.get(), "", argv, environ, AT_EMPTY_PATH);
    throw Error(errno, "execveat", "protected ocirt binary");
}

}  // namespace ocirt::security
