// The "linux" object, except resources (parse_resources.cpp).
#include <string_view>

#include "spec/parse_internal.hpp"

namespace ocirt::spec {

using json::Object;
using json::Path;
using json::Value;

// The type is an enum in the model, so an unknown name cannot be carried to validate(): it fails here.
static NamespaceType namespace_type(const Value& v, const Path& p) {
    std::string name;
    json::read(v, p, name);
    static constexpr std::pair<std::string_view, NamespaceType> types[] = {
        {"pid", NamespaceType::pid},       {"network", NamespaceType::network}, {"mount", NamespaceType::mount},
        {"ipc", NamespaceType::ipc},       {"uts", NamespaceType::uts},         {"user", NamespaceType::user},
        {"cgroup", NamespaceType::cgroup}, {"time", NamespaceType::time},
    };
    for (const auto& [n, t] : types)
        if (n == name) return t;
    p.fail("unknown namespace \"" + name + "\"");
}

static void read_into(const Value& v, const Path& p, Namespace& out) {
    Object o(v, p);
    const Value* type = o.find("type");
    if (!type) p.field("type").fail("required property is missing");
    out.type = namespace_type(*type, p.field("type"));
    o.get("path", out.path);
}

static void read_into(const Value& v, const Path& p, TimeOffset& out) {
    Object o(v, p);
    o.get("secs", out.secs);
    o.get("nanosecs", out.nanosecs);
}

static void read_into(const Value& v, const Path& p, Device& out) {
    Object o(v, p);
    o.get("type", out.type);
    o.get("path", out.path);
    o.get("major", out.major);
    o.get("minor", out.minor);
    o.get("fileMode", out.fileMode);
    o.get("uid", out.uid);
    o.get("gid", out.gid);
}

static void read_into(const Value& v, const Path& p, NetDevice& out) {
    Object o(v, p);
    o.get("name", out.name);
}

static void read_into(const Value& v, const Path& p, IntelRdt& out) {
    Object o(v, p);
    o.get("closID", out.closID);
    o.get("l3CacheSchema", out.l3CacheSchema);
    o.get("memBwSchema", out.memBwSchema);
    o.get("schemata", out.schemata);
    o.get("enableMonitoring", out.enableMonitoring);
}

static void read_into(const Value& v, const Path& p, MemoryPolicy& out) {
    Object o(v, p);
    o.get("mode", out.mode);
    o.get("nodes", out.nodes);
    o.get("flags", out.flags);
}

static void read_into(const Value& v, const Path& p, SeccompArg& out) {
    Object o(v, p);
    o.get("index", out.index);
    o.get("value", out.value);
    o.get("valueTwo", out.valueTwo);
    o.get("op", out.op);
}

static void read_into(const Value& v, const Path& p, SeccompSyscall& out) {
    Object o(v, p);
    o.get("names", out.names);
    o.get("action", out.action);
    o.get("errnoRet", out.errnoRet);
    o.get("args", out.args);
}

static void read_into(const Value& v, const Path& p, Seccomp& out) {
    Object o(v, p);
    o.get("defaultAction", out.defaultAction);
    o.get("defaultErrnoRet", out.defaultErrnoRet);
    o.get("architectures", out.architectures);
    o.get("flags", out.flags);
    o.get("listenerPath", out.listenerPath);
    o.get("listenerMetadata", out.listenerMetadata);
    o.get("syscalls", out.syscalls);
}

static void read_into(const Value& v, const Path& p, Personality& out) {
    Object o(v, p);
    o.get("domain", out.domain);
    o.get("flags", out.flags);
}

void read_into(const Value& v, const Path& p, Linux& out) {
    Object o(v, p);
    o.get("namespaces", out.namespaces);
    o.get("uidMappings", out.uidMappings);
    o.get("gidMappings", out.gidMappings);
    o.get("timeOffsets", out.timeOffsets);
    o.get("devices", out.devices);
    o.get("netDevices", out.netDevices);
    o.get("cgroupsPath", out.cgroupsPath);
    o.get("resources", out.resources);
    o.get("intelRdt", out.intelRdt);
    o.get("memoryPolicy", out.memoryPolicy);
    o.get("sysctl", out.sysctl);
    o.get("seccomp", out.seccomp);
    o.get("rootfsPropagation", out.rootfsPropagation);
    o.get("maskedPaths", out.maskedPaths);
    o.get("readonlyPaths", out.readonlyPaths);
    o.get("mountLabel", out.mountLabel);
    o.get("personality", out.personality);
}

}  // namespace ocirt::spec
