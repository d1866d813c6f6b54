// The state directory <root>/<id>/: state.json (written atomically), the start socket `start` connects to,
// the saved config.json (for exec), and an flock that serialises commands on one container.
#pragma once

#include <string>
#include <vector>

#include "base/fd.hpp"
#include "state/state.hpp"

namespace ocirt::state {

// Container ids: letters, digits, '_', '+', '-', '.', not "." or ".." (runc's rule; never a path).
void validate_id(const std::string& id);

class StateDir {
public:
    // Creates <root>/<id> (and root if missing); Error "container X already exists" if it does.
    static StateDir create(const std::string& root, const std::string& id);
    // Opens an existing one; Error "container X does not exist" otherwise.
    static StateDir open(const std::string& root, const std::string& id);
    // Every container id under root (no locking).
    static std::vector<std::string> list(const std::string& root);

    // Exclusive lock held until this object dies; other commands on the same id wait.
    void lock();
    State load() const;
    void save(const State& s) const;
    void save_config(const std::string& json) const;
    std::string load_config() const;

    // exec.sock: the created container's init listens on it; `start` connects. Its presence means "created".
    static constexpr const char* kStartSocket = "exec.sock";
    bool start_socket_exists() const;
    void remove_start_socket() const;
    // A path to name in bind()/connect(): through /proc/self/fd so that long roots and ids fit sun_path.
    std::string socket_path() const { return "/proc/self/fd/" + std::to_string(dir_.get()) + "/" + kStartSocket; }
    const std::string& path() const { return path_; }
    const std::string& id() const { return id_; }

    // Removes the directory and everything in it.
    void remove();

private:
    StateDir(std::string path, std::string id, OwnedFd dir) : path_(std::move(path)), id_(std::move(id)), dir_(std::move(dir)) {}
    std::string path_;
    std::string id_;
    OwnedFd dir_;
};

}  // namespace ocirt::state
