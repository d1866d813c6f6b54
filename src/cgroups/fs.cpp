#include "cgroups/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "base/error.hpp"
#include "base/fd.hpp"

namespace ocirt::cgroups {

std::string Dir::file(std::string_view name) const {
    std::string p = path_;
    p += '/';
    p += name;
    return p;
}

bool Dir::has(std::string_view name) const { return ::access(file(name).c_str(), F_OK) == 0; }

int Dir::try_write(std::string_view name, std::string_view value) const noexcept {
    std::string p = file(name);
    // O_TRUNC matters only for the regular files of unit-test fixtures; cgroupfs ignores it.
    OwnedFd fd(::open(p.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd.valid()) return errno;
    // A cgroup file takes one value per write(2): never split it.
    ssize_t n = ::write(fd.get(), value.data(), value.size());
    if (n < 0) return errno;
    return n == static_cast<ssize_t>(value.size()) ? 0 : EIO;
}

void Dir::write(std::string_view name, std::string_view value, std::string_view field) const {
    int err = try_write(name, value);
    if (err == 0) return;
    std::string p = file(name);
    if (err == ENOENT)
        throw Error(std::string(field) + ": not supported by this host (" + p + " does not exist)");
    throw Error(err, "write \"" + std::string(value) + "\" to", p).context(field);
}

std::string read_file(const std::string& path) {
    OwnedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) throw Error(errno, "open", path);
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        check(n, "read", path);
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string Dir::read(std::string_view name) const { return trim(read_file(file(name))); }

std::optional<std::string> Dir::read_if_exists(std::string_view name) const {
    if (!has(name)) return std::nullopt;
    return read(name);
}

std::string trim(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\n");
    if (b == std::string_view::npos) return {};
    size_t e = s.find_last_not_of(" \t\n");
    return std::string(s.substr(b, e - b + 1));
}

std::vector<std::pair<std::string, std::string>> parse_flat_keyed(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        size_t sp = line.find(' ');
        if (line.empty() || sp == std::string_view::npos) continue;
        out.emplace_back(std::string(line.substr(0, sp)), trim(line.substr(sp + 1)));
    }
    return out;
}

static void collect_procs(const Dir& d, bool recursive, std::vector<pid_t>& out) {
    std::string text = read_file(d.file("cgroup.procs"));
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        pid_t pid = 0;
        auto [next, ec] = std::from_chars(p, end, pid);
        if (ec == std::errc()) out.push_back(pid);
        p = next + 1;
    }
    if (!recursive) return;
    for (const auto& c : d.children()) collect_procs(Dir(d.file(c)), true, out);
}

std::vector<pid_t> Dir::procs(bool recursive) const {
    std::vector<pid_t> out;
    collect_procs(*this, recursive, out);
    return out;
}

std::vector<std::string> Dir::children() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(path_.c_str());  // opendir sets O_CLOEXEC itself
    if (d == nullptr) throw Error(errno, "opendir", path_);
    while (dirent* e = ::readdir(d)) {
        std::string_view n = e->d_name;
        if (e->d_type == DT_DIR && n != "." && n != "..") out.emplace_back(n);
    }
    ::closedir(d);
    return out;
}

// The leaf first: its parents usually exist (one mkdir instead of one per component).
std::vector<std::string> make_dirs(const std::string& path) {
    if (::mkdir(path.c_str(), 0755) == 0) return {path};
    if (errno == EEXIST) return {};
    size_t slash = path.find_last_of('/');
    if (errno != ENOENT || slash == 0 || slash == std::string::npos) throw Error(errno, "mkdir", path);
    std::vector<std::string> created = make_dirs(path.substr(0, slash));
    if (::mkdir(path.c_str(), 0755) == 0)
        created.push_back(path);
    else if (errno != EEXIST)
        throw Error(errno, "mkdir", path);
    return created;
}

void remove_tree(const std::string& dir) {
    if (::access(dir.c_str(), F_OK) != 0) return;
    for (const auto& c : Dir(dir).children()) remove_tree(dir + "/" + c);
    if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) throw Error(errno, "rmdir", dir);
}

}  // namespace ocirt::cgroups
