// validate(): the list of checks, the shared helpers, and the checks of the top-level fields and of the
// namespace rules. Process checks live in validate_process.cpp, the rest of linux in validate_linux.cpp and
// validate_resources.cpp.
#include "spec/validate.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "base/error.hpp"
#include "spec/validate_internal.hpp"

namespace ocirt::spec {

namespace vcheck {

void fail(std::string_view where, std::string_view problem) {
    std::string msg(where);
    if (!msg.empty()) msg += ": ";
    msg += problem;
    throw Error(std::move(msg));
}

std::string field(std::string_view where, std::string_view name) {
    std::string out(where);
    if (!out.empty()) out += '.';
    out += name;
    return out;
}

std::string item(std::string_view where, size_t i, std::string_view name) {
    std::string out = std::string(where) + "[" + std::to_string(i) + "]";
    return name.empty() ? out : field(out, name);
}

std::string key(std::string_view where, std::string_view k) {
    return std::string(where) + "[\"" + std::string(k) + "\"]";
}

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
    return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

bool is_absolute(std::string_view path) { return !path.empty() && path.front() == '/'; }

bool has_dotdot(std::string_view path) {
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (path.substr(start, end - start) == "..") return true;
        start = end + 1;
    }
    return false;
}

// Parses all of d as a decimal id, or fails.
static bool parse_id(std::string_view d, unsigned long& out) {
    auto [end, ec] = std::from_chars(d.data(), d.data() + d.size(), out);
    return !d.empty() && ec == std::errc() && end == d.data() + d.size();
}

bool is_id_list(std::string_view s) {
    if (s.empty()) return false;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(',', start);
        if (end == std::string_view::npos) end = s.size();
        std::string_view part = s.substr(start, end - start);
        size_t dash = part.find('-');
        unsigned long lo = 0, hi = 0;
        if (!parse_id(part.substr(0, dash), lo)) return false;
        if (dash == std::string_view::npos)
            hi = lo;
        else if (!parse_id(part.substr(dash + 1), hi))
            return false;
        if (lo > hi) return false;
        start = end + 1;
    }
    return true;
}

void check_container_path(std::string_view where, std::string_view path) {
    if (!is_absolute(path)) fail(where, quote(path) + " is not an absolute path");
    // A ".." could walk out of the rootfs before the runtime's own resolution even starts.
    if (has_dotdot(path)) fail(where, quote(path) + " has a \"..\" component");
}

void check_flags(std::string_view where, const std::vector<std::string>& flags,
                 std::initializer_list<std::string_view> allowed, std::string_view what) {
    for (size_t i = 0; i < flags.size(); ++i) {
        if (!one_of(flags[i], allowed)) fail(item(where, i), "unknown " + std::string(what) + " " + quote(flags[i]));
        if (std::find(flags.begin(), flags.begin() + i, flags[i]) != flags.begin() + i)
            fail(item(where, i), quote(flags[i]) + " is listed twice");
    }
}

}  // namespace vcheck

using namespace vcheck;

static const Namespace* find_ns(const Config& c, NamespaceType t) {
    return c.linux_ ? c.linux_->find_namespace(t) : nullptr;
}

static const char* ns_name(NamespaceType t) {
    static constexpr std::array names = {"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"};
    return names[static_cast<size_t>(t)];
}

static const Namespace& require_ns(const Config& c, NamespaceType t, std::string_view where) {
    const Namespace* ns = find_ns(c, t);
    if (!ns) fail(where, std::string("needs a ") + ns_name(t) + " namespace, and linux.namespaces has none");
    return *ns;
}

// SemVer 2.0.0: MAJOR.MINOR.PATCH, numbers without leading zeros, then optional -pre-release and +build.
static bool is_semver_core_number(std::string_view s) {
    if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
    return std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

static bool is_semver_ident_list(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos) return false;
    return std::all_of(s.begin(), s.end(), [](char ch) {
        return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-' ||
               ch == '.';
    });
}

static bool is_semver(std::string_view v) {
    size_t plus = v.find('+');
    if (plus != std::string_view::npos && !is_semver_ident_list(v.substr(plus + 1))) return false;
    std::string_view core = v.substr(0, plus);
    size_t dash = core.find('-');
    if (dash != std::string_view::npos && !is_semver_ident_list(core.substr(dash + 1))) return false;
    core = core.substr(0, dash);
    for (int part = 0; part < 3; ++part) {
        size_t dot = core.find('.');
        if ((part < 2) == (dot == std::string_view::npos)) return false;
        if (!is_semver_core_number(core.substr(0, dot))) return false;
        core = dot == std::string_view::npos ? std::string_view() : core.substr(dot + 1);
    }
    return true;
}

static void check_oci_version(const Config& c) {
    if (c.ociVersion.empty()) fail("ociVersion", "required property is missing");
    if (!is_semver(c.ociVersion)) fail("ociVersion", quote(c.ociVersion) + " is not a SemVer version");
    if (c.ociVersion[0] != '1' || c.ociVersion[1] != '.')
        fail("ociVersion", quote(c.ociVersion) + " is not supported: the major version must be 1");
}

static void check_root(const Config& c) {
    if (!c.root) fail("root", "required property is missing");
    if (c.root->path.empty()) fail("root.path", "required property is missing");
}

static void check_process(const Config& c) {
    if (!c.process) fail("process", "required property is missing");
    validate_process(*c.process, "process");
}

static bool has_option(const Mount& m, std::string_view opt) {
    return std::find(m.options.begin(), m.options.end(), opt) != m.options.end();
}

static void check_mounts(const Config& c) {
    for (size_t i = 0; i < c.mounts.size(); ++i) {
        const Mount& m = c.mounts[i];
        if (m.destination.empty()) fail(item("mounts", i, "destination"), "required property is missing");
        // config.md: a relative destination is deprecated but allowed, and means relative to "/".
        std::string_view d = m.destination;
        if (!d.empty() && d[0] != '/') {
            if (has_dotdot(d)) fail(item("mounts", i, "destination"), quote(d) + " has a \"..\" component");
        } else {
            check_container_path(item("mounts", i, "destination"), d);
        }
        if (m.uidMappings.empty() != m.gidMappings.empty())
            fail(item("mounts", i), "uidMappings and gidMappings must be given together");
        bool idmap = has_option(m, "idmap") || has_option(m, "ridmap");
        if (idmap && m.uidMappings.empty() && !find_ns(c, NamespaceType::user))
            fail(item("mounts", i, "options"), "idmap needs uidMappings/gidMappings or a user namespace");
    }
}

static void check_hook_list(const std::vector<Hook>& hooks, std::string_view where) {
    for (size_t i = 0; i < hooks.size(); ++i) {
        if (!is_absolute(hooks[i].path))
            fail(item(where, i, "path"), quote(hooks[i].path) + " is not an absolute path");
        if (hooks[i].timeout && *hooks[i].timeout <= 0)
            fail(item(where, i, "timeout"), std::to_string(*hooks[i].timeout) + " is not greater than zero");
    }
}

static void check_hooks(const Config& c) {
    if (!c.hooks) return;
    check_hook_list(c.hooks->prestart, "hooks.prestart");
    check_hook_list(c.hooks->createRuntime, "hooks.createRuntime");
    check_hook_list(c.hooks->createContainer, "hooks.createContainer");
    check_hook_list(c.hooks->startContainer, "hooks.startContainer");
    check_hook_list(c.hooks->poststart, "hooks.poststart");
    check_hook_list(c.hooks->poststop, "hooks.poststop");
}

static void check_namespaces(const Config& c) {
    if (!c.linux_) return;
    const auto& nss = c.linux_->namespaces;
    for (size_t i = 0; i < nss.size(); ++i) {
        for (size_t j = 0; j < i; ++j)
            if (nss[j].type == nss[i].type)
                fail(item("linux.namespaces", i, "type"),
                     std::string(ns_name(nss[i].type)) + " is listed twice (also at [" + std::to_string(j) + "])");
        if (nss[i].path && !is_absolute(*nss[i].path))
            fail(item("linux.namespaces", i, "path"), quote(*nss[i].path) + " is not an absolute path");
    }
}

static void check_user_namespace(const Config& c) {
    if (!c.linux_) return;
    const Linux& l = *c.linux_;
    const Namespace* user = l.find_namespace(NamespaceType::user);
    if (!user) {
        if (!l.uidMappings.empty()) fail("linux.uidMappings", "needs a user namespace, and linux.namespaces has none");
        if (!l.gidMappings.empty()) fail("linux.gidMappings", "needs a user namespace, and linux.namespaces has none");
        return;
    }
    // A joined namespace already has its maps; a new one is useless (and unusable) without them.
    if (user->path) return;
    if (l.uidMappings.empty()) fail("linux.uidMappings", "a new user namespace needs uid mappings");
    if (l.gidMappings.empty()) fail("linux.gidMappings", "a new user namespace needs gid mappings");
}

static void check_time_offsets(const Config& c) {
    if (!c.linux_ || c.linux_->timeOffsets.empty()) return;
    // Offsets can only be written before the first process enters a time namespace.
    if (require_ns(c, NamespaceType::time, "linux.timeOffsets").path)
        fail("linux.timeOffsets", "cannot be set when joining an existing time namespace");
    for (const auto& [clock, off] : c.linux_->timeOffsets) {
        if (!one_of(clock, {"monotonic", "boottime"}))
            fail(key("linux.timeOffsets", clock), "unknown clock (expected \"monotonic\" or \"boottime\")");
        if (off.nanosecs >= 1000000000u)
            fail(field(key("linux.timeOffsets", clock), "nanosecs"), "must be less than 1000000000");
    }
}

// Only namespaced sysctls may be set: anything else would change the host for everyone.
static void check_sysctl(const Config& c) {
    if (!c.linux_) return;
    for (const auto& [name, value] : c.linux_->sysctl) {
        std::string k = name;
        std::replace(k.begin(), k.end(), '/', '.');  // "net/ipv4/ip_forward" is the same sysctl
        std::string where = key("linux.sysctl", name);
        if (k.starts_with("net.")) {
            require_ns(c, NamespaceType::network, where);
        } else if (k.starts_with("fs.mqueue.") ||
                   one_of(k, {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                              "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"})) {
            require_ns(c, NamespaceType::ipc, where);
        } else if (one_of(k, {"kernel.hostname", "kernel.domainname"})) {
            require_ns(c, NamespaceType::uts, where);
        } else {
            fail(where, "is not in a namespace of the container, so it cannot be set");
        }
    }
}

static void check_hostname(const Config& c) {
    if (c.hostname && !c.hostname->empty()) require_ns(c, NamespaceType::uts, "hostname");
    if (c.domainname && !c.domainname->empty()) require_ns(c, NamespaceType::uts, "domainname");
}

static void check_masked_readonly(const Config& c) {
    if (!c.linux_) return;
    const Linux& l = *c.linux_;
    for (size_t i = 0; i < l.maskedPaths.size(); ++i)
        check_container_path(item("linux.maskedPaths", i), l.maskedPaths[i]);
    for (size_t i = 0; i < l.readonlyPaths.size(); ++i)
        check_container_path(item("linux.readonlyPaths", i), l.readonlyPaths[i]);
    // Masking works by mounting over the paths, which without a mount namespace would happen on the host.
    if (!l.maskedPaths.empty()) require_ns(c, NamespaceType::mount, "linux.maskedPaths");
    if (!l.readonlyPaths.empty()) require_ns(c, NamespaceType::mount, "linux.readonlyPaths");
}

static void check_rootfs_propagation(const Config& c) {
    if (!c.linux_ || !c.linux_->rootfsPropagation) return;
    const std::string& p = *c.linux_->rootfsPropagation;
    // The spec lists the first four; CRI-O and others send the recursive forms, which runc accepts too.
    if (!one_of(p, {"shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable"}))
        fail("linux.rootfsPropagation",
             "unknown propagation " + quote(p) + " (expected shared, slave, private or unbindable)");
}

static void check_resources(const Config& c) {
    if (c.linux_ && c.linux_->resources) validate_resources(*c.linux_->resources, "linux.resources");
}

// In the order of the config's fields, so the first error reported is the first one a reader meets.
static constexpr void (*checks[])(const Config&) = {
    check_oci_version,
    check_root,
    check_process,
    check_mounts,
    check_hooks,
    check_hostname,
    check_namespaces,
    check_user_namespace,
    check_time_offsets,
    check_devices,
    check_net_devices,
    check_cgroups_path,
    check_resources,
    check_intel_rdt,
    check_memory_policy,
    check_sysctl,
    check_seccomp,
    check_rootfs_propagation,
    check_masked_readonly,
    check_personality,
};

void validate(const Config& c) {
    for (auto check : checks) check(c);
}

}  // namespace ocirt::spec
