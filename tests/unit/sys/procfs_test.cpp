#include "sys/procfs.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/error.hpp"

using namespace ocirt;
namespace procfs = ocirt::sys::procfs;

namespace {

std::string read_fd(BorrowedFd fd) {
    char buf[4096];
    ssize_t n = pread(fd.get(), buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Runs body in a forked child in its own mount namespace (so its mounts vanish with it); returns the status.
template <typename F>
int in_private_mount_ns(F body) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int code = 125;
        try {
            if (unshare(CLONE_NEWNS) == 0 && mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0)
                code = body();
        } catch (...) {
        }
        _exit(code);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

struct TempFile {
    std::filesystem::path path;
    explicit TempFile(const std::string& content)
        : path(std::filesystem::temp_directory_path() / ("ocirt-procfs-" + std::to_string(getpid()))) {
        std::ofstream(path) << content;
    }
    ~TempFile() { std::filesystem::remove(path); }
};

}  // namespace

TEST_CASE("procfs handle is a procfs and opens self, pid and root files", "[security][procfs]") {
    struct statfs st {};
    REQUIRE(fstatfs(procfs::handle().get(), &st) == 0);
    CHECK(st.f_type == PROC_SUPER_MAGIC);

    std::string status = read_fd(procfs::open_self("status", O_RDONLY).borrow());
    CHECK(status.find("Pid:\t" + std::to_string(getpid()) + "\n") != std::string::npos);
    CHECK(read_fd(procfs::open_thread_self("comm", O_RDONLY).borrow()).size() > 1);
    CHECK(read_fd(procfs::open_pid(getpid(), "oom_score_adj", O_RDONLY).borrow()).size() > 1);
    CHECK(read_fd(procfs::open_root("sys/kernel/ostype", O_RDONLY).borrow()) == "Linux\n");
}

TEST_CASE("procfs refuses symlinks inside the handle", "[security][procfs]") {
    CHECK_THROWS_WITH(procfs::open_root("self/status", O_RDONLY), Catch::Contains("/proc/self/status"));
    CHECK_THROWS(procfs::open_root("mounts", O_RDONLY));  // a symlink to self/mounts
}

TEST_CASE("procfs writes through the handle", "[security][procfs]") {
    if (geteuid() != 0) return;
    std::string current = read_fd(procfs::open_self("oom_score_adj", O_RDONLY).borrow());
    OwnedFd fd = procfs::open_self("oom_score_adj", O_WRONLY);
    CHECK_NOTHROW(procfs::write_all(fd.borrow(), current, "/proc/self/oom_score_adj"));
}

TEST_CASE("a mount over a /proc file does not redirect the handle (CVE-2025-52881)", "[security][procfs]") {
    if (geteuid() != 0) return;
    TempFile decoy("Hacked\n");
    int status = in_private_mount_ns([&] {
        if (mount(decoy.path.c_str(), "/proc/sys/kernel/ostype", nullptr, MS_BIND, nullptr) < 0) return 100;
        // The attack works on the plain path...
        std::ifstream plain("/proc/sys/kernel/ostype");
        std::string word;
        plain >> word;
        if (word != "Hacked") return 101;
        // ...not through the handle...
        if (read_fd(procfs::open_root("sys/kernel/ostype", O_RDONLY).borrow()) != "Linux\n") return 1;
        // ...nor through one created after the mount...
        OwnedFd fresh = procfs::new_handle();
        if (read_fd(procfs::open_beneath(fresh.borrow(), "sys/kernel/ostype", O_RDONLY).borrow()) != "Linux\n")
            return 4;
        // ...and openat2 refuses the crossing even beneath a plain /proc fd.
        OwnedFd plain_proc(open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
        try {
            procfs::open_beneath(plain_proc.borrow(), "sys/kernel/ostype", O_RDONLY);
            return 2;
        } catch (const Error& e) {
            return e.err() == EXDEV ? 0 : 3;
        }
    });
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}
