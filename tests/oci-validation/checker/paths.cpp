// root.readonly, linux.rootfsPropagation, linux.maskedPaths, linux.readonlyPaths.
#include "checker.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace ocv {

std::string propagation_of(const MountEntry& m);

namespace {

void check_root(Context& ctx, const std::vector<MountEntry>& info) {
    const MountEntry* root = find_mount(info, "/");
    if (root == nullptr) {
        ctx.tap.fail("root", "a mount at /", "none");
        return;
    }
    bool readonly = boolean(member(&ctx.config, "root"), "readonly").value_or(false);
    ctx.tap.truth("root.readonly mount flag", has(root->mount_opts, readonly ? "ro" : "rw"),
                  readonly ? "ro" : "rw", join(root->mount_opts, ","));
    if (!readonly) return;
    errno = 0;
    int rc = mkdir("/.ocv-probe", 0700);
    int err = errno;
    if (rc == 0) rmdir("/.ocv-probe");
    ctx.tap.eq("root.readonly refuses writes", "EROFS", errno_name(rc == 0 ? 0 : err));
}

void check_root_propagation(Context& ctx, const std::vector<MountEntry>& info) {
    auto want = str(member(&ctx.config, "linux"), "rootfsPropagation");
    const MountEntry* root = find_mount(info, "/");
    if (!want || root == nullptr) return;
    std::string got = propagation_of(*root);
    // "slave" of a host mount that is itself private has no master to show.
    bool host_shared = boolean(&ctx.host, "rootShared").value_or(false);
    bool passed = got == *want || (*want == "slave" && !host_shared && got == "private");
    ctx.tap.truth("linux.rootfsPropagation", passed, *want, got + " (" + join(root->optional, " ") + ")");
}

// Masked means unreadable: an empty file, an empty directory, or a refusal.
void check_masked(Context& ctx, const std::string& path) {
    std::string name = "linux.maskedPaths[" + path + "]";
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) {
        ctx.tap.ok(name + " (absent, nothing to mask)");
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR* dir = opendir(path.c_str());
        int entries = 0;
        if (dir != nullptr) {
            while (dirent* e = readdir(dir))
                if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++entries;
            closedir(dir);
        }
        ctx.tap.eq(name + " directory shows no entries", 0, entries);
        return;
    }
    int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        ctx.tap.ok(name + " cannot be opened (" + errno_name(errno) + ")");
        return;
    }
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    ctx.tap.truth(name + " reads nothing", n <= 0, "0 bytes", std::to_string(n) + " bytes");
}

void check_readonly(Context& ctx, const std::vector<MountEntry>& info, const std::string& path) {
    std::string name = "linux.readonlyPaths[" + path + "]";
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) {
        ctx.tap.ok(name + " (absent, nothing to protect)");
        return;
    }
    const MountEntry* m = find_mount(info, path);
    ctx.tap.truth(name + " is a read-only mount", m != nullptr && has(m->mount_opts, "ro"), "ro mount",
                  m == nullptr ? "no mount" : join(m->mount_opts, ","));
}

}  // namespace

void check_paths(Context& ctx) {
    auto info = read_mountinfo();
    check_root(ctx, info);
    check_root_propagation(ctx, info);
    const Json* linux = member(&ctx.config, "linux");
    for (const auto& p : strings(linux, "maskedPaths")) check_masked(ctx, p);
    for (const auto& p : strings(linux, "readonlyPaths")) check_readonly(ctx, info, p);
}

}  // namespace ocv
