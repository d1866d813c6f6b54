// The in-container checker: shared context, TAP output and small file helpers.
// It runs as the container process, so it must never crash on a surprising
// environment: every helper reports absence instead of throwing.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ocv {

using Json = rapidjson::Value;

// One TAP line per checked field; numbering is local, the harness renumbers.
class Tap {
public:
    void ok(const std::string& name);
    void fail(const std::string& name, const std::string& expected, const std::string& got);
    void skip(const std::string& name, const std::string& why);
    // Passes when expected == got, otherwise prints both.
    void eq(const std::string& name, const std::string& expected, const std::string& got);
    void eq(const std::string& name, long long expected, long long got);
    void truth(const std::string& name, bool passed, const std::string& expected, const std::string& got);
    void finish() const;

private:
    int count_ = 0;
};

struct Context {
    rapidjson::Document config;
    rapidjson::Document host;  // facts only the harness can see (host inodes, markers)
    std::vector<std::string> argv;
    std::vector<int> fds_at_start;
    Tap tap;
};

// JSON access that tolerates missing members and wrong types.
const Json* member(const Json* v, const char* key);
std::optional<std::string> str(const Json* v, const char* key);
std::optional<long long> integer(const Json* v, const char* key);
std::optional<unsigned long long> uinteger(const Json* v, const char* key);
std::optional<bool> boolean(const Json* v, const char* key);
std::vector<std::string> strings(const Json* v, const char* key);

std::optional<std::string> read_file(const std::string& path);
std::string trim(const std::string& s);
std::vector<std::string> split(const std::string& s, char sep);
std::string join(const std::vector<std::string>& parts, const std::string& sep);
// "Key:\tvalue" lines of /proc/self/status.
std::optional<std::string> status_field(const std::string& key);
std::string errno_name(int err);

struct MountEntry {
    int id = 0;
    int parent = 0;
    std::string root;
    std::string point;
    std::vector<std::string> mount_opts;
    std::vector<std::string> optional;  // shared:N, master:N, unbindable
    std::string fstype;
    std::string source;
    std::vector<std::string> super_opts;
};
std::vector<MountEntry> read_mountinfo();
// The entry visible at `point`: the last one mounted there.
const MountEntry* find_mount(const std::vector<MountEntry>& mounts, const std::string& point);
bool has(const std::vector<std::string>& list, const std::string& item);

void check_process(Context& ctx);
void check_identity(Context& ctx);
void check_mounts(Context& ctx);
void check_paths(Context& ctx);
void check_devices(Context& ctx);
void check_namespaces(Context& ctx);
void check_kernel(Context& ctx);
void check_cgroups(Context& ctx);
void check_security(Context& ctx);

}  // namespace ocv
