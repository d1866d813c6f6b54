#include "state/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "base/error.hpp"

namespace ocirt::state {
namespace {

std::string read_all(int dirfd, const char* name) {
    OwnedFd fd(::openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) throw Error(errno, "open", name);
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(errno, "read", name);
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

// Write to a temporary name and rename over the target, so a reader never sees half a file.
void write_atomic(int dirfd, const char* name, const std::string& data) {
    std::string tmp = std::string(".") + name + ".tmp";
    OwnedFd fd(::openat(dirfd, tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) throw Error(errno, "create", tmp);
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(errno, "write", tmp);
        off += static_cast<size_t>(n);
    }
    check(::renameat(dirfd, tmp.c_str(), dirfd, name), "rename", name);
}

void remove_tree_at(int dirfd) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(::dup(dirfd)), ::closedir);
    if (!d) return;
    while (dirent* e = ::readdir(d.get())) {
        std::string n = e->d_name;
        if (n == "." || n == "..") continue;
        if (e->d_type == DT_DIR) {
            int sub = ::openat(dirfd, n.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            if (sub >= 0) {
                remove_tree_at(sub);
                ::close(sub);
            }
            ::unlinkat(dirfd, n.c_str(), AT_REMOVEDIR);
        } else {
            ::unlinkat(dirfd, n.c_str(), 0);
        }
    }
}

}  // namespace

void validate_id(const std::string& id) {
    if (id.empty()) throw Error("container id must not be empty");
    if (id == "." || id == "..") throw Error("invalid container id \"" + id + "\"");
    if (id.size() > 1024) throw Error("container id is longer than 1024 characters");
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '+' || c == '-' || c == '.';
        if (!ok) throw Error("invalid container id \"" + id + "\": only [A-Za-z0-9_+.-] are allowed");
    }
}

StateDir StateDir::create(const std::string& root, const std::string& id) {
    validate_id(id);
    // containerd's shim passes --root /run/containerd/runc/<namespace> and expects it to be made.
    for (size_t i = 1; i <= root.size(); ++i) {
        if (i != root.size() && root[i] != '/') continue;
        std::string part = root.substr(0, i);
        if (::mkdir(part.c_str(), 0711) < 0 && errno != EEXIST) throw Error(errno, "mkdir", part);
    }
    std::string path = root + "/" + id;
    if (::mkdir(path.c_str(), 0711) < 0) {
        if (errno == EEXIST) throw Error("container \"" + id + "\" already exists");
        throw Error(errno, "mkdir", path);
    }
    OwnedFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    if (!dir.valid()) throw Error(errno, "open", path);
    return StateDir(std::move(path), id, std::move(dir));
}

StateDir StateDir::open(const std::string& root, const std::string& id) {
    validate_id(id);
    std::string path = root + "/" + id;
    OwnedFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    if (!dir.valid()) {
        if (errno == ENOENT) throw Error("container \"" + id + "\" does not exist");
        throw Error(errno, "open", path);
    }
    return StateDir(std::move(path), id, std::move(dir));
}

std::vector<std::string> StateDir::list(const std::string& root) {
    std::vector<std::string> ids;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(root.c_str()), ::closedir);
    if (!d) {
        if (errno == ENOENT) return ids;
        throw Error(errno, "opendir", root);
    }
    while (dirent* e = ::readdir(d.get()))
        if (e->d_type == DT_DIR && e->d_name[0] != '.') ids.emplace_back(e->d_name);
    return ids;
}

void StateDir::lock() {
    while (::flock(dir_.get(), LOCK_EX) < 0)
        if (errno != EINTR) throw Error(errno, "lock", path_);
}

State StateDir::load() const {
    try {
        return from_json(read_all(dir_.get(), "state.json"));
    } catch (Error& e) {
        throw e.context("container \"" + id_ + "\"");
    }
}

void StateDir::save(const State& s) const { write_atomic(dir_.get(), "state.json", to_json(s)); }
void StateDir::save_config(const std::string& json) const { write_atomic(dir_.get(), "config.json", json); }
std::string StateDir::load_config() const { return read_all(dir_.get(), "config.json"); }

bool StateDir::start_socket_exists() const {
    struct stat st {};
    return ::fstatat(dir_.get(), kStartSocket, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

void StateDir::remove_start_socket() const { ::unlinkat(dir_.get(), kStartSocket, 0); }

void StateDir::remove() {
    remove_tree_at(dir_.get());
    dir_.reset();
    if (::rmdir(path_.c_str()) < 0 && errno != ENOENT) throw Error(errno, "rmdir", path_);
}

}  // namespace ocirt::state
