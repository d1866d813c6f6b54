#include "checkpoint/criu_args.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "base/error.hpp"
#include "namespaces/namespaces.hpp"
#include "rootfs/plan.hpp"

namespace ocirt::checkpoint {
namespace {

using spec::NamespaceType;

bool is_bind(const spec::Mount& m) {
    if (m.type == "bind") return true;
    return std::any_of(m.options.begin(), m.options.end(), [](const std::string& o) { return o == "bind" || o == "rbind"; });
}

std::string absolute(const std::string& dest) { return dest.rfind('/', 0) == 0 ? dest : "/" + dest; }

void push(std::vector<std::string>& a, const char* flag, const std::string& value) {
    a.emplace_back(flag);
    a.push_back(value);
}

// What both commands take from the shared flags. The image and work directories are absolute, so criu's
// chdir into the work directory changes nothing about them.
void add_common(std::vector<std::string>& a, const CommonOptions& o, const char* log) {
    push(a, "--images-dir", o.image_path);
    if (!o.work_path.empty()) push(a, "--work-dir", o.work_path);
    push(a, "--log-file", log);
    a.emplace_back("-v4");
    a.push_back("--manage-cgroups=" + (o.manage_cgroups_mode.empty() ? std::string("soft") : o.manage_cgroups_mode));
    if (o.tcp_established) a.emplace_back("--tcp-established");
    if (o.ext_unix_sk) a.emplace_back("--ext-unix-sk");
    if (o.shell_job) a.emplace_back("--shell-job");
    if (o.file_locks) a.emplace_back("--file-locks");
    if (o.auto_dedup) a.emplace_back("--auto-dedup");
    for (const auto& ns : o.empty_ns)
        if (ns == "network") push(a, "--empty-ns", "net");
}

void add_ext_mounts(std::vector<std::string>& a, const std::vector<ExtMount>& m) {
    for (const auto& [key, value] : m) push(a, "--ext-mount-map", key + ":" + value);
}

void check_common(const CommonOptions& o, const char* cmd) {
    static constexpr std::array kModes = {"soft", "full", "strict", "ignore"};
    const std::string& m = o.manage_cgroups_mode;
    if (!m.empty() && std::find(kModes.begin(), kModes.end(), m) == kModes.end())
        throw Error(std::string(cmd) + ": --manage-cgroups-mode \"" + m + "\": expected soft, full, strict or ignore");
    for (const auto& ns : o.empty_ns)
        if (ns != "network")
            throw Error(std::string(cmd) + ": --empty-ns \"" + ns + "\": only the network namespace can be left empty");
    if (o.lazy_pages)
        throw Error(std::string(cmd) + ": --lazy-pages is not supported by ocirt (it needs criu's lazy-pages daemon)");
    if (o.image_path.empty()) throw Error(std::string(cmd) + ": no image directory (--image-path)");
}

}  // namespace

void check_options(const CheckpointOptions& o) {
    check_common(o, "checkpoint");
    const std::string& ps = o.page_server;
    size_t colon = ps.rfind(':');
    if (!ps.empty() && (colon == std::string::npos || colon == 0 || colon + 1 == ps.size() ||
                        ps.find_first_not_of("0123456789", colon + 1) != std::string::npos))
        throw Error("checkpoint: --page-server \"" + ps + "\": expected ADDRESS:PORT");
}

void check_options(const RestoreOptions& o) { check_common(o, "restore"); }

std::vector<std::string> dump_args(const CheckpointOptions& o, const DumpTarget& t) {
    std::vector<std::string> a{o.pre_dump ? "pre-dump" : "dump"};
    push(a, "--tree", std::to_string(t.pid));
    add_common(a, o, o.pre_dump ? "pre-dump.log" : "dump.log");
    push(a, "--root", t.rootfs);
    if (!t.freeze_cgroup.empty()) push(a, "--freeze-cgroup", t.freeze_cgroup);
    if (o.leave_running) a.emplace_back("--leave-running");
    // Memory is tracked so that a later dump can save only the pages that changed since this one.
    if (o.pre_dump || !o.parent_path.empty()) a.emplace_back("--track-mem");
    if (!o.parent_path.empty()) push(a, "--prev-images-dir", o.parent_path);
    if (!o.page_server.empty()) {
        size_t colon = o.page_server.rfind(':');
        a.emplace_back("--page-server");
        push(a, "--address", o.page_server.substr(0, colon));
        push(a, "--port", o.page_server.substr(colon + 1));
    }
    // A pre-dump saves memory only: mounts and namespaces are the final dump's business.
    if (!o.pre_dump) {
        add_ext_mounts(a, t.ext_mounts);
        for (const auto& e : t.externals) push(a, "--external", e);
    }
    return a;
}

std::vector<std::string> restore_args(const RestoreOptions& o, const RestoreTarget& t) {
    // Detached, and the restored init a sibling of criu: a child of ocirt, which waits for it (or leaves it to
    // ocirt's parent, a shim that is a subreaper, when --detach).
    std::vector<std::string> a{"restore", "--restore-detached", "--restore-sibling"};
    add_common(a, o, "restore.log");
    push(a, "--root", t.root);
    push(a, "--pidfile", t.pid_file);
    // Device nodes may have other paths on this host; criu may use any node with the same numbers.
    a.emplace_back("--evasive-devices");
    add_ext_mounts(a, t.ext_mounts);
    for (const auto& f : t.inherit_fds) push(a, "--inherit-fd", f);
    for (const auto& j : t.join_ns) push(a, "--join-ns", j);
    if (!t.action_script.empty()) push(a, "--action-script", t.action_script);
    return a;
}

namespace {

// The device nodes, each keyed by its path, which is also where restore binds it from: linux.devices, and
// in a user namespace the default devices that linux.devices does not replace.
void add_devices(std::vector<ExtMount>& out, const spec::Config& c, bool userns) {
    auto add = [&out](const std::string& path) {
        if (std::none_of(out.begin(), out.end(), [&](const ExtMount& m) { return m.first == path; }))
            out.emplace_back(path, path);
    };
    if (c.linux_)
        for (const auto& d : c.linux_->devices) add(absolute(d.path));
    if (userns)
        for (const auto& d : rootfs::kDefaultDevices) add(std::string("/dev/") + d.name);
}

// In a user namespace without a cgroup namespace of its own, cgroup2 cannot be mounted (by create or by
// criu): create binds the host's /sys/fs/cgroup there instead (rootfs/mounts.cpp), and so must restore.
bool cgroup_is_bind(const spec::Mount& m, const spec::Config& c, bool userns) {
    return userns && (m.type == "cgroup" || m.type == "cgroup2") &&
           !(c.linux_ && c.linux_->find_namespace(NamespaceType::cgroup));
}

}  // namespace

std::vector<ExtMount> dump_ext_mounts(const spec::Config& c, const std::vector<std::string>& masked_files,
                                      bool userns) {
    std::vector<ExtMount> out;
    for (const auto& m : c.mounts)
        if (is_bind(m) || cgroup_is_bind(m, c, userns)) out.emplace_back(absolute(m.destination), absolute(m.destination));
    for (const auto& p : masked_files) out.emplace_back(absolute(p), "/dev/null");
    add_devices(out, c, userns);
    return out;
}

std::vector<ExtMount> restore_ext_mounts(const spec::Config& c, bool userns) {
    std::vector<ExtMount> out;
    for (const auto& m : c.mounts) {
        if (is_bind(m)) out.emplace_back(absolute(m.destination), m.source.value_or(""));
        if (cgroup_is_bind(m, c, userns)) out.emplace_back(absolute(m.destination), "/sys/fs/cgroup");
    }
    // The masked files' key (see dump_ext_mounts), which a bound /dev/null shares.
    if (c.linux_ && !c.linux_->maskedPaths.empty()) out.emplace_back("/dev/null", "/dev/null");
    add_devices(out, c, userns);
    return out;
}

std::string external_ns_key(NamespaceType t) {
    std::string n = t == NamespaceType::network ? "Net" : t == NamespaceType::pid ? "Pid" : namespaces::proc_name(t);
    return "extRoot" + n + "NS";
}

std::vector<std::string> cgroup_root_args(const std::string& proc_cgroup) {
    std::vector<std::string> out;
    std::istringstream in(proc_cgroup);
    std::string line;
    while (std::getline(in, line)) {
        size_t c1 = line.find(':');
        size_t c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string::npos) continue;
        std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
        std::string path = line.substr(c2 + 1);
        // cgroup v2's line has no controller list: its path is the root for every controller.
        out.push_back("--cgroup-root");
        out.push_back(controllers.empty() ? path : controllers + ":" + path);
    }
    return out;
}

std::string descriptors_json(const std::vector<std::string>& links) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartArray();
    for (const auto& l : links) w.String(l.data(), static_cast<rapidjson::SizeType>(l.size()));
    w.EndArray();
    return std::string(buf.GetString(), buf.GetSize());
}

std::vector<std::string> parse_descriptors(const std::string& json) {
    rapidjson::Document d;
    d.Parse(json.data(), json.size());
    if (d.HasParseError() || !d.IsArray()) throw Error("descriptors.json is not a JSON array of strings");
    std::vector<std::string> out;
    for (const auto& v : d.GetArray()) {
        if (!v.IsString()) throw Error("descriptors.json is not a JSON array of strings");
        out.emplace_back(v.GetString(), v.GetStringLength());
    }
    return out;
}

std::vector<std::string> stdio_inherit_fds(const std::vector<std::string>& descriptors,
                                           const std::vector<std::string>& external_keys, int terminal_fd) {
    std::vector<std::string> out, keys;
    for (size_t i = 0; i < descriptors.size() && i < 3; ++i) {
        std::string key = i < external_keys.size() ? external_keys[i] : "";
        if (key.empty() && descriptors[i].rfind("pipe:", 0) == 0) key = descriptors[i];
        if (key.empty() || std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
        keys.push_back(key);
        if (!is_tty_key(key))
            out.push_back("fd[" + std::to_string(i) + "]:" + key);
        else if (terminal_fd >= 0)
            out.push_back("fd[" + std::to_string(terminal_fd) + "]:" + key);
    }
    return out;
}

std::string external_tty_key(unsigned long rdev, unsigned long dev) {
    // criu formats the key from the fd's stat at dump and from the image's 32-bit copies at restore: the
    // same hex digits, devpts numbers being small.
    char buf[64];
    snprintf(buf, sizeof buf, "tty[%lx:%lx]", rdev, dev);
    return buf;
}

bool is_tty_key(const std::string& key) { return key.rfind("tty[", 0) == 0; }

std::string terminal_key(const std::vector<std::string>& external_keys) {
    for (const auto& k : external_keys)
        if (is_tty_key(k)) return k;
    return "";
}

bool has_mount_point(const std::string& mountinfo, const std::string& path) {
    std::istringstream in(mountinfo);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string f;
        int n = 0;
        while (n < 5 && fields >> f) ++n;
        if (n == 5 && f == path) return true;
    }
    return false;
}

std::vector<ExtMount> terminal_dump_mounts(const std::string& mountinfo) {
    std::vector<ExtMount> out;
    for (const char* p : {kDevPts, kConsole})
        if (has_mount_point(mountinfo, p)) out.emplace_back(p, p);
    return out;
}

std::optional<uint32_t> id_outside(const spec::Config& c, bool gid, uint32_t id) {
    if (!c.linux_) return std::nullopt;
    const spec::Namespace* user = c.linux_->find_namespace(NamespaceType::user);
    if (!user || user->path) return std::nullopt;
    for (const auto& m : gid ? c.linux_->gidMappings : c.linux_->uidMappings)
        if (id >= m.containerID && id - m.containerID < m.size) return m.hostID + (id - m.containerID);
    return std::nullopt;
}

std::string devpts_data_outside(const std::string& data, const spec::Config& c) {
    std::string out;
    std::istringstream in(data);
    for (std::string opt; std::getline(in, opt, ',');) {
        bool uid = opt.rfind("uid=", 0) == 0, gid = opt.rfind("gid=", 0) == 0;
        if (uid || gid) {
            std::optional<uint32_t> id = id_outside(c, gid, static_cast<uint32_t>(strtoul(opt.c_str() + 4, nullptr, 10)));
            if (id) opt = opt.substr(0, 4) + std::to_string(*id);
        }
        out += (out.empty() ? "" : ",") + opt;
    }
    return out;
}

std::vector<ExtMount> terminal_restore_mounts(const std::string& devpts, const std::string& slave) {
    return {{kDevPts, devpts}, {kConsole, slave}};
}

std::string external_file_key(int mnt_id, unsigned long inode) {
    char buf[64];
    snprintf(buf, sizeof buf, "file[%x:%lx]", static_cast<unsigned>(mnt_id), inode);
    return buf;
}

int fdinfo_mnt_id(const std::string& fdinfo) {
    std::istringstream in(fdinfo);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("mnt_id:", 0) == 0) return std::atoi(line.c_str() + 7);
    return -1;
}

bool has_mount_id(const std::string& mountinfo, int mnt_id) {
    std::istringstream in(mountinfo);
    std::string line;
    while (std::getline(in, line))
        if (std::atoi(line.c_str()) == mnt_id) return true;
    return false;
}

std::string failure_reason(const std::string& log) {
    // criu probes the kernel before it starts and logs what the probes miss as errors (no tun device, no
    // autofs); those say nothing about why the dump or restore failed.
    static constexpr std::array kProbes = {"(criu/tun.c:", "(criu/kerndat.c:", "(criu/cr-check.c:"};
    std::istringstream in(log);
    std::string line, fallback;
    while (std::getline(in, line)) {
        size_t at = line.find("Error (");
        if (at == std::string::npos) continue;
        size_t msg = line.find("): ", at);
        std::string text = msg == std::string::npos ? line.substr(at) : line.substr(msg + 3);
        bool probe = std::any_of(kProbes.begin(), kProbes.end(), [&](const char* p) { return line.find(p) != std::string::npos; });
        if (!probe) return text;
        if (fallback.empty()) fallback = text;
    }
    return fallback;
}

}  // namespace ocirt::checkpoint
