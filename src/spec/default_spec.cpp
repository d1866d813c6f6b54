// The config that `ocirt spec` writes: the same fields, order and values as `runc spec`, with our spec version.
#include "spec/default_spec.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <unistd.h>

#include <initializer_list>
#include <string_view>

namespace ocirt::spec {

namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void key(Writer& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }

void string(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void member(Writer& w, std::string_view k, std::string_view v) {
    key(w, k);
    string(w, v);
}

void strings(Writer& w, std::string_view k, std::initializer_list<std::string_view> list) {
    key(w, k);
    w.StartArray();
    for (auto s : list) string(w, s);
    w.EndArray();
}

void write_process(Writer& w) {
    key(w, "process");
    w.StartObject();
    key(w, "terminal");
    w.Bool(true);
    key(w, "user");
    w.StartObject();
    key(w, "uid");
    w.Uint(0);
    key(w, "gid");
    w.Uint(0);
    w.EndObject();
    strings(w, "args", {"sh"});
    strings(w, "env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"});
    member(w, "cwd", "/");
    key(w, "capabilities");
    w.StartObject();
    // runc's default also lists them as ambient, but ambient capabilities must be inheritable too, so the
    // kernel refuses them and every run would warn: our default leaves ambient out.
    for (auto set : {"bounding", "effective", "permitted"})
        strings(w, set, {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
    w.EndObject();
    key(w, "rlimits");
    w.StartArray();
    w.StartObject();
    member(w, "type", "RLIMIT_NOFILE");
    key(w, "hard");
    w.Uint64(1024);
    key(w, "soft");
    w.Uint64(1024);
    w.EndObject();
    w.EndArray();
    key(w, "noNewPrivileges");
    w.Bool(true);
    w.EndObject();
}

void mount(Writer& w, std::string_view dest, std::string_view type, std::string_view source,
           std::initializer_list<std::string_view> options) {
    w.StartObject();
    member(w, "destination", dest);
    member(w, "type", type);
    member(w, "source", source);
    if (options.size()) strings(w, "options", options);
    w.EndObject();
}

void write_mounts(Writer& w, bool rootless) {
    key(w, "mounts");
    w.StartArray();
    mount(w, "/proc", "proc", "proc", {});
    mount(w, "/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"});
    // Without privilege, gid 5 (tty) may not be mapped in the user namespace, and devpts would refuse it.
    if (rootless)
        mount(w, "/dev/pts", "devpts", "devpts", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"});
    else
        mount(w, "/dev/pts", "devpts", "devpts",
              {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"});
    mount(w, "/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"});
    mount(w, "/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"});
    // A fresh sysfs needs a network namespace owned by our user namespace; the host's /sys bound in does not.
    if (rootless)
        mount(w, "/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"});
    else
        mount(w, "/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"});
    mount(w, "/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"});
    w.EndArray();
}

void id_mapping(Writer& w, std::string_view k, unsigned host_id) {
    key(w, k);
    w.StartArray();
    w.StartObject();
    key(w, "containerID");
    w.Uint(0);
    key(w, "hostID");
    w.Uint(host_id);
    key(w, "size");
    w.Uint(1);
    w.EndObject();
    w.EndArray();
}

void namespaces(Writer& w, std::initializer_list<std::string_view> types) {
    for (auto t : types) {
        w.StartObject();
        member(w, "type", t);
        w.EndObject();
    }
}

void write_linux(Writer& w, bool rootless) {
    key(w, "linux");
    w.StartObject();
    if (rootless) {
        id_mapping(w, "uidMappings", getuid());
        id_mapping(w, "gidMappings", getgid());
    } else {
        key(w, "resources");
        w.StartObject();
        key(w, "devices");
        w.StartArray();
        w.StartObject();
        key(w, "allow");
        w.Bool(false);
        member(w, "access", "rwm");
        w.EndObject();
        w.EndArray();
        w.EndObject();
    }
    key(w, "namespaces");
    w.StartArray();
    // Rootless keeps the host network: a new one would have no interface but lo.
    if (rootless)
        namespaces(w, {"pid", "ipc", "uts", "mount", "user"});
    else
        namespaces(w, {"pid", "network", "ipc", "uts", "mount"});
    w.EndArray();
    strings(w, "maskedPaths",
            {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
             "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"});
    strings(w, "readonlyPaths", {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"});
    w.EndObject();
}

}  // namespace

std::string default_spec_json(bool rootless) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.SetIndent('\t', 1);
    w.StartObject();
    member(w, "ociVersion", OCIRT_SPEC_VERSION);
    write_process(w);
    key(w, "root");
    w.StartObject();
    member(w, "path", "rootfs");
    key(w, "readonly");
    w.Bool(true);
    w.EndObject();
    member(w, "hostname", "ocirt");
    write_mounts(w, rootless);
    write_linux(w, rootless);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace ocirt::spec
