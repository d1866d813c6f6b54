// mounts[]: presence, order, type, generic flags, propagation and
// filesystem-specific options as /proc/self/mountinfo reports them.
#include "checker.hpp"

#include <sys/stat.h>

#include <map>

namespace ocv {
namespace {

// Where mountinfo shows a flag: per-mount options or superblock options.
enum class Field { Mount, Super };
struct FlagRule {
    Field field;
    const char* token;
    bool present;
};

// mount(8) flags with a visible effect; the others (defaults, silent, loud,
// iversion, remount...) are covered by "the mount exists". norelatime and
// nostrictatime only clear a flag: the kernel then falls back to relatime.
const std::map<std::string, std::vector<FlagRule>>& flag_rules() {
    static const std::map<std::string, std::vector<FlagRule>> rules = {
        {"ro", {{Field::Mount, "ro", true}}},           {"rro", {{Field::Mount, "ro", true}}},
        {"rw", {{Field::Mount, "rw", true}}},           {"rrw", {{Field::Mount, "rw", true}}},
        {"nosuid", {{Field::Mount, "nosuid", true}}},   {"rnosuid", {{Field::Mount, "nosuid", true}}},
        {"suid", {{Field::Mount, "nosuid", false}}},    {"rsuid", {{Field::Mount, "nosuid", false}}},
        {"nodev", {{Field::Mount, "nodev", true}}},     {"rnodev", {{Field::Mount, "nodev", true}}},
        {"dev", {{Field::Mount, "nodev", false}}},      {"rdev", {{Field::Mount, "nodev", false}}},
        {"noexec", {{Field::Mount, "noexec", true}}},   {"rnoexec", {{Field::Mount, "noexec", true}}},
        {"exec", {{Field::Mount, "noexec", false}}},    {"rexec", {{Field::Mount, "noexec", false}}},
        {"noatime", {{Field::Mount, "noatime", true}}}, {"rnoatime", {{Field::Mount, "noatime", true}}},
        {"atime", {{Field::Mount, "noatime", false}}},  {"ratime", {{Field::Mount, "noatime", false}}},
        {"relatime", {{Field::Mount, "relatime", true}}}, {"rrelatime", {{Field::Mount, "relatime", true}}},
        {"strictatime", {{Field::Mount, "relatime", false}, {Field::Mount, "noatime", false}}},
        {"rstrictatime", {{Field::Mount, "relatime", false}, {Field::Mount, "noatime", false}}},
        {"nodiratime", {{Field::Mount, "nodiratime", true}}},
        {"rnodiratime", {{Field::Mount, "nodiratime", true}}},
        {"diratime", {{Field::Mount, "nodiratime", false}}},
        {"rdiratime", {{Field::Mount, "nodiratime", false}}},
        {"nosymfollow", {{Field::Mount, "nosymfollow", true}}},
        {"rnosymfollow", {{Field::Mount, "nosymfollow", true}}},
        {"symfollow", {{Field::Mount, "nosymfollow", false}}},
        {"rsymfollow", {{Field::Mount, "nosymfollow", false}}},
        {"sync", {{Field::Super, "sync", true}}},       {"async", {{Field::Super, "sync", false}}},
        {"dirsync", {{Field::Super, "dirsync", true}}}, {"lazytime", {{Field::Super, "lazytime", true}}},
        {"nolazytime", {{Field::Super, "lazytime", false}}},
    };
    return rules;
}

bool has_prefix(const std::vector<std::string>& list, const std::string& prefix) {
    for (const auto& s : list)
        if (s.rfind(prefix, 0) == 0) return true;
    return false;
}

}  // namespace

// Shared with paths.cpp for rootfsPropagation.
std::string propagation_of(const MountEntry& m) {
    if (has(m.optional, "unbindable")) return "unbindable";
    if (has_prefix(m.optional, "shared:")) return "shared";
    if (has_prefix(m.optional, "master:")) return "slave";
    return "private";
}

namespace {

void check_propagation(Context& ctx, const std::string& name, const MountEntry& m, const std::string& opt) {
    std::string want = opt[0] == 'r' ? opt.substr(1) : opt;
    std::string got = propagation_of(m);
    // A slave of a mount that propagates nothing shows no master: it reads as private.
    bool passed = got == want || (want == "slave" && got == "private");
    ctx.tap.truth(name + " propagation " + opt, passed, want, got);
}

// size= and mode= are printed normalised by the kernel (size in k, mode in octal without 0).
std::string normalise(const std::string& key, const std::string& value) {
    try {
        if (key == "mode" || key == "ptmxmode") return std::to_string(std::stoul(value, nullptr, 8));
        if (key == "size") {
            unsigned long long n = std::stoull(value);
            char unit = value.empty() ? ' ' : static_cast<char>(std::tolower(value.back()));
            if (unit == 'k') n <<= 10;
            if (unit == 'm') n <<= 20;
            if (unit == 'g') n <<= 30;
            return std::to_string(n);
        }
    } catch (const std::exception&) {
    }
    return value;
}

std::string to_host_id(Context& ctx, const char* field, const std::string& id) {
    const Json* maps = member(member(&ctx.config, "linux"), field);
    if (maps == nullptr || !maps->IsArray()) return id;
    long long n = std::stoll(id);
    for (const auto& m : maps->GetArray()) {
        long long c = integer(&m, "containerID").value_or(0), size = integer(&m, "size").value_or(0);
        if (n >= c && n < c + size) return std::to_string(integer(&m, "hostID").value_or(0) + n - c);
    }
    return id;
}

void check_data_option(Context& ctx, const std::string& name, const MountEntry& m, const std::string& opt) {
    auto eq = opt.find('=');
    std::string key = opt.substr(0, eq);
    if (key != "size" && key != "mode" && key != "ptmxmode" && key != "uid" && key != "gid") return;
    std::string got = "(absent)";
    for (const auto& s : m.super_opts)
        if (s.rfind(key + "=", 0) == 0) got = s.substr(key.size() + 1);
    std::string want = opt.substr(eq + 1);
    // mountinfo prints owners as the initial user namespace sees them.
    if (key == "uid" || key == "gid") want = to_host_id(ctx, key == "uid" ? "uidMappings" : "gidMappings", want);
    // tmpfs leaves its default mode (1777) out of the list.
    if (got == "(absent)" && key == "mode" && m.fstype == "tmpfs") got = "1777";
    ctx.tap.truth(name + " option " + opt, normalise(key, want) == normalise(key, got), want, got);
}

void check_option(Context& ctx, const std::string& name, const MountEntry& m, const std::string& opt) {
    static const char* const propagation[] = {"private", "rprivate", "shared",     "rshared",
                                              "slave",   "rslave",   "unbindable", "runbindable"};
    for (const char* p : propagation)
        if (opt == p) return check_propagation(ctx, name, m, opt);
    if (opt.find('=') != std::string::npos) return check_data_option(ctx, name, m, opt);
    auto it = flag_rules().find(opt);
    if (it == flag_rules().end()) return;
    for (const auto& rule : it->second) {
        const auto& list = rule.field == Field::Mount ? m.mount_opts : m.super_opts;
        bool present = has(list, rule.token);
        ctx.tap.truth(name + " option " + opt, present == rule.present,
                      std::string(rule.present ? "" : "no ") + rule.token, join(list, ","));
    }
}

// rX applies X to every mount below the destination too (mount_setattr AT_RECURSIVE).
bool is_recursive(const std::string& opt) {
    return opt.size() > 1 && opt[0] == 'r' && flag_rules().count(opt) && flag_rules().count(opt.substr(1));
}

void check_submounts(Context& ctx, const std::string& name, const std::string& dest,
                     const std::vector<MountEntry>& info, const std::string& opt) {
    for (const auto& sub : info)
        if (sub.point.rfind(dest + "/", 0) == 0) check_option(ctx, name + " submount " + sub.point, sub, opt);
}

bool is_bind(const std::vector<std::string>& options) { return has(options, "bind") || has(options, "rbind"); }

// Mounts nested in an earlier destination must sit on top of it: listed order matters.
void check_order(Context& ctx, const std::string& name, const std::vector<std::string>& dests,
                 size_t index, const std::vector<MountEntry>& info, const MountEntry& m) {
    const MountEntry* parent = nullptr;
    for (size_t i = 0; i < index; ++i) {
        const auto& d = dests[i];
        if (m.point.rfind(d + "/", 0) == 0 || (d == "/" && m.point != "/")) parent = find_mount(info, d);
    }
    if (parent != nullptr) ctx.tap.eq(name + " mounted after its parent mount", parent->id, m.parent);
}

void check_content(Context& ctx, const std::string& name, const std::string& dest) {
    auto want = str(member(&ctx.host, "markers"), dest.c_str());
    if (!want) return;
    struct stat st {};
    std::string path = stat(dest.c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? dest + "/.ocv-marker" : dest;
    ctx.tap.eq(name + " shows the source's content", *want, trim(read_file(path).value_or("(unreadable)")));
}

}  // namespace

void check_mounts(Context& ctx) {
    const Json* mounts = member(&ctx.config, "mounts");
    if (mounts == nullptr || !mounts->IsArray()) return;
    auto info = read_mountinfo();
    std::vector<std::string> dests;
    for (const auto& mount : mounts->GetArray()) {
        std::string dest = str(&mount, "destination").value_or("?");
        if (dest.empty() || dest[0] != '/') dest = "/" + dest;
        while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
        dests.push_back(dest);
        std::string name = "mounts[" + dest + "]";
        const MountEntry* m = find_mount(info, dest);
        if (m == nullptr) {
            ctx.tap.fail(name, "a mount at " + dest, "none in mountinfo");
            continue;
        }
        ctx.tap.ok(name + " mounted");
        check_order(ctx, name, dests, dests.size() - 1, info, *m);
        auto options = strings(&mount, "options");
        auto type = str(&mount, "type").value_or("");
        if (!is_bind(options) && !type.empty() && type != "cgroup" && type != "none")
            ctx.tap.eq(name + ".type", type, m->fstype);
        // On cgroup v1 a "cgroup" mount is a tmpfs holding one mount per controller:
        // the options belong to those.
        if (type == "cgroup" && m->fstype == "tmpfs") {
            for (const auto& sub : info)
                if (sub.point.rfind(dest + "/", 0) == 0 && sub.fstype == "cgroup")
                    for (const auto& opt : options) check_option(ctx, name + " " + sub.point, sub, opt);
            check_content(ctx, name, dest);
            continue;
        }
        for (const auto& opt : options) {
            check_option(ctx, name, *m, opt);
            if (is_recursive(opt)) check_submounts(ctx, name, dest, info, opt);
        }
        check_content(ctx, name, dest);
    }
    if (const Json* owners = member(&ctx.host, "owners"); owners != nullptr && owners->IsObject()) {
        for (const auto& o : owners->GetObject()) {
            struct stat st {};
            std::string path = o.name.GetString();
            std::string got = stat(path.c_str(), &st) == 0
                                  ? std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid)
                                  : "(missing)";
            ctx.tap.eq("mount idmap owner of " + path, o.value.GetString(), got);
        }
    }
}

}  // namespace ocv
