// File access inside one cgroup directory. Every write names the config field it serves, so that a file the
// host lacks ("memory.memsw.limit_in_bytes" without swap accounting) becomes an error about that field.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocirt::cgroups {

class Dir {
public:
    Dir() = default;
    explicit Dir(std::string path) : path_(std::move(path)) {}

    const std::string& path() const { return path_; }
    bool empty() const { return path_.empty(); }
    std::string file(std::string_view name) const;
    bool has(std::string_view name) const;

    // Writes value to name; a missing file is "the host does not support <field>", other failures carry
    // errno, the path and the value.
    void write(std::string_view name, std::string_view value, std::string_view field) const;
    // Writes without throwing; returns 0 or the errno.
    int try_write(std::string_view name, std::string_view value) const noexcept;
    std::string read(std::string_view name) const;
    std::optional<std::string> read_if_exists(std::string_view name) const;

    // The pids in cgroup.procs of this directory only, or of it and every descendant.
    std::vector<pid_t> procs(bool recursive) const;
    // Child cgroup directory names.
    std::vector<std::string> children() const;

private:
    std::string path_;
};

// Reads a whole small file (cgroup files, /proc files). Throws Error naming the path.
std::string read_file(const std::string& path);
// Strips one trailing newline and surrounding blanks.
std::string trim(std::string_view s);
// Splits "key value\n" lines (memory.stat, cpu.stat, cgroup.events) into pairs.
std::vector<std::pair<std::string, std::string>> parse_flat_keyed(std::string_view text);
// mkdir -p; existing directories are fine. Returns the directories it created, outermost first.
std::vector<std::string> make_dirs(const std::string& path);
// Removes dir and its sub-cgroups, deepest first (cgroup directories only hold control files, so rmdir is
// the whole removal). A missing dir is not an error.
void remove_tree(const std::string& dir);

}  // namespace ocirt::cgroups
