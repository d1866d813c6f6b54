// linux.devices, the default devices, the /dev symlinks (runtime-linux.md) and
// linux.resources.devices probed by opening the configured nodes.
#include "checker.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace ocv {
namespace {

std::string describe(const struct stat& st) {
    char type = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' : S_ISFIFO(st.st_mode) ? 'p' : '?';
    return std::string(1, type) + " " + std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
}

void check_node(Context& ctx, const Json& dev) {
    std::string path = str(&dev, "path").value_or("?");
    std::string name = "linux.devices[" + path + "]";
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) {
        ctx.tap.fail(name, "a device node", errno_name(errno));
        return;
    }
    std::string type = str(&dev, "type").value_or("?");
    if (type == "u") type = "c";
    std::string want = type == "p" ? "p 0:0"
                                   : type + " " + std::to_string(integer(&dev, "major").value_or(-1)) + ":" +
                                         std::to_string(integer(&dev, "minor").value_or(-1));
    ctx.tap.eq(name + " type and major:minor", want, describe(st));
    if (auto mode = integer(&dev, "fileMode"))
        ctx.tap.eq(name + ".fileMode", *mode & 07777, st.st_mode & 07777);
    if (auto uid = integer(&dev, "uid")) ctx.tap.eq(name + ".uid", *uid, st.st_uid);
    if (auto gid = integer(&dev, "gid")) ctx.tap.eq(name + ".gid", *gid, st.st_gid);
}

struct DefaultDevice {
    const char* path;
    unsigned major_no, minor_no;
};
constexpr DefaultDevice kDefaults[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
                                       {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};

void check_defaults(Context& ctx) {
    for (const auto& d : kDefaults) {
        struct stat st {};
        std::string got = stat(d.path, &st) == 0 ? describe(st) : errno_name(errno);
        ctx.tap.eq(std::string("default device ") + d.path,
                   "c " + std::to_string(d.major_no) + ":" + std::to_string(d.minor_no), got);
    }
    int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
    errno = 0;
    ssize_t n = fd < 0 ? -1 : write(fd, "x", 1);
    ctx.tap.eq("default device /dev/full is usable (write gives ENOSPC)", "ENOSPC",
               n < 0 ? errno_name(errno) : "wrote");
    if (fd >= 0) close(fd);
    struct stat st {};
    bool ptmx = stat("/dev/ptmx", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 &&
                minor(st.st_rdev) == 2;
    ctx.tap.truth("default device /dev/ptmx", ptmx, "c 5:2 (or a link to pts/ptmx)",
                  ptmx ? "ok" : errno_name(errno));
}

void check_symlinks(Context& ctx) {
    struct stat st {};
    if (stat("/proc/self/fd", &st) != 0) {
        ctx.tap.skip("/dev symlinks", "/proc is not mounted, sources do not exist");
        return;
    }
    const std::pair<const char*, const char*> links[] = {{"/dev/fd", "/proc/self/fd"},
                                                         {"/dev/stdin", "/proc/self/fd/0"},
                                                         {"/dev/stdout", "/proc/self/fd/1"},
                                                         {"/dev/stderr", "/proc/self/fd/2"}};
    for (const auto& [link, target] : links) {
        char buf[PATH_MAX] = {};
        ssize_t n = readlink(link, buf, sizeof buf - 1);
        ctx.tap.eq(std::string("dev symlink ") + link, target, n < 0 ? errno_name(errno) : std::string(buf, n));
    }
}

// Runtimes always allow the default devices (and the pty ones) whatever the rules say.
bool is_default(char type, long long maj, long long min) {
    if (type != 'c') return false;
    for (const auto& d : kDefaults)
        if (maj == d.major_no && min == d.minor_no) return true;
    return (maj == 5 && (min == 1 || min == 2)) || maj == 136;
}

// Last matching rule wins; nullopt when no rule mentions the device.
std::optional<bool> allowed(const Json* rules, char type, long long maj, long long min, char access) {
    std::optional<bool> verdict;
    for (const auto& r : rules->GetArray()) {
        std::string rtype = str(&r, "type").value_or("a");
        auto rmaj = integer(&r, "major"), rmin = integer(&r, "minor");
        std::string acc = str(&r, "access").value_or("rwm");
        bool match = (rtype == "a" || rtype[0] == type) && (!rmaj || *rmaj == -1 || *rmaj == maj) &&
                     (!rmin || *rmin == -1 || *rmin == min) && acc.find(access) != std::string::npos;
        if (match) verdict = boolean(&r, "allow").value_or(false);
    }
    return verdict;
}

int access_ok(const std::string& path, char access) {
    return ::access(path.c_str(), access == 'r' ? R_OK : W_OK);
}

// The cgroup answers EPERM before the driver is reached; any other outcome means it let us through.
void probe_device(Context& ctx, const Json* rules, const Json& dev) {
    std::string path = str(&dev, "path").value_or("?");
    std::string type = str(&dev, "type").value_or("c");
    char t = type == "u" ? 'c' : type[0];
    long long maj = integer(&dev, "major").value_or(-1), min = integer(&dev, "minor").value_or(-1);
    if (type == "p" || is_default(t, maj, min)) return;
    for (char access : {'r', 'w'}) {
        auto verdict = allowed(rules, t, maj, min, access);
        // File permissions answer before the cgroup: only probe what they allow.
        if (!verdict || access_ok(path, access) != 0) continue;
        int fd = open(path.c_str(), (access == 'r' ? O_RDONLY : O_WRONLY) | O_NONBLOCK | O_CLOEXEC);
        int err = fd < 0 ? errno : 0;
        if (fd >= 0) close(fd);
        std::string name = "linux.resources.devices " + std::string(1, access) + " on " + path;
        ctx.tap.truth(name, (err == EPERM) != *verdict, *verdict ? "allowed" : "EPERM", errno_name(err));
    }
}

}  // namespace

void check_devices(Context& ctx) {
    const Json* linux = member(&ctx.config, "linux");
    const Json* devices = member(linux, "devices");
    if (devices != nullptr && devices->IsArray())
        for (const auto& d : devices->GetArray()) check_node(ctx, d);
    check_defaults(ctx);
    check_symlinks(ctx);
    const Json* rules = member(member(linux, "resources"), "devices");
    if (devices == nullptr || !devices->IsArray() || rules == nullptr || !rules->IsArray()) return;
    if (geteuid() != 0) return;  // file permissions would answer before the cgroup does
    for (const auto& d : devices->GetArray()) probe_device(ctx, rules, d);
}

}  // namespace ocv
