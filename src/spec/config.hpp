// The typed model of an OCI bundle's config.json (runtime-spec v1.3.0, Linux fields).
// Member names are the JSON property names, so `grep -r noNewPrivileges src/` finds every user of a field.
// Optional JSON properties are std::optional (or empty containers where absence and emptiness mean the same).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocirt::spec {

struct IdMapping {
    uint32_t containerID = 0;
    uint32_t hostID = 0;
    uint32_t size = 0;
};

struct Root {
    std::string path;
    bool readonly = false;
};

struct Mount {
    std::string destination;
    std::optional<std::string> source;
    std::optional<std::string> type;
    std::vector<std::string> options;
    std::vector<IdMapping> uidMappings;
    std::vector<IdMapping> gidMappings;
};

struct ConsoleSize {
    uint32_t height = 0;
    uint32_t width = 0;
};

struct Rlimit {
    std::string type;  // "RLIMIT_NOFILE", ...
    uint64_t soft = 0;
    uint64_t hard = 0;
};

struct Capabilities {
    std::vector<std::string> effective;
    std::vector<std::string> bounding;
    std::vector<std::string> inheritable;
    std::vector<std::string> permitted;
    std::vector<std::string> ambient;
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additionalGids;
};

struct Scheduler {
    std::string policy;  // SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE
    int32_t nice = 0;
    int32_t priority = 0;
    std::vector<std::string> flags;
    uint64_t runtime = 0;
    uint64_t deadline = 0;
    uint64_t period = 0;
};

struct IoPriority {
    std::string class_;  // JSON "class": IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE
    int32_t priority = 0;
};

struct ExecCPUAffinity {
    std::optional<std::string> initial;
    std::optional<std::string> final_;  // JSON "final"
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> consoleSize;
    std::string cwd;
    std::vector<std::string> env;
    std::vector<std::string> args;
    std::optional<std::string> commandLine;
    std::vector<Rlimit> rlimits;
    std::optional<std::string> apparmorProfile;
    std::optional<Capabilities> capabilities;
    bool noNewPrivileges = false;
    std::optional<int> oomScoreAdj;
    std::optional<Scheduler> scheduler;
    std::optional<std::string> selinuxLabel;
    std::optional<IoPriority> ioPriority;
    std::optional<ExecCPUAffinity> execCPUAffinity;
    User user;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<int> timeout;  // seconds, > 0
};

struct Hooks {
    std::vector<Hook> prestart;
    std::vector<Hook> createRuntime;
    std::vector<Hook> createContainer;
    std::vector<Hook> startContainer;
    std::vector<Hook> poststart;
    std::vector<Hook> poststop;
};

enum class NamespaceType { pid, network, mount, ipc, uts, user, cgroup, time };

struct Namespace {
    NamespaceType type = NamespaceType::mount;
    std::optional<std::string> path;  // join instead of create
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
};

struct Device {
    std::string type;  // c, b, u, p
    std::string path;
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint32_t> fileMode;
    std::optional<uint32_t> uid;
    std::optional<uint32_t> gid;
};

struct NetDevice {
    std::optional<std::string> name;
};

struct DeviceCgroupRule {
    bool allow = false;
    std::optional<std::string> type;  // a, c, b
    std::optional<int64_t> major;
    std::optional<int64_t> minor;
    std::optional<std::string> access;  // subset of "rwm"
};

struct Memory {
    std::optional<int64_t> limit;
    std::optional<int64_t> reservation;
    std::optional<int64_t> swap;
    std::optional<int64_t> kernel;
    std::optional<int64_t> kernelTCP;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disableOOMKiller;
    std::optional<bool> useHierarchy;
    std::optional<bool> checkBeforeUpdate;
};

struct Cpu {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst;
    std::optional<uint64_t> period;
    std::optional<int64_t> realtimeRuntime;
    std::optional<uint64_t> realtimePeriod;
    std::optional<std::string> cpus;
    std::optional<std::string> mems;
    std::optional<int64_t> idle;
};

struct WeightDevice {
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leafWeight;
};

struct ThrottleDevice {
    int64_t major = 0;
    int64_t minor = 0;
    uint64_t rate = 0;
};

struct BlockIO {
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leafWeight;
    std::vector<WeightDevice> weightDevice;
    std::vector<ThrottleDevice> throttleReadBpsDevice;
    std::vector<ThrottleDevice> throttleWriteBpsDevice;
    std::vector<ThrottleDevice> throttleReadIOPSDevice;
    std::vector<ThrottleDevice> throttleWriteIOPSDevice;
};

struct HugepageLimit {
    std::string pageSize;  // "2MB", "1GB", ...
    uint64_t limit = 0;
};

struct NetPriority {
    std::string name;
    uint32_t priority = 0;
};

struct Network {
    std::optional<uint32_t> classID;
    std::vector<NetPriority> priorities;
};

struct Pids {
    std::optional<int64_t> limit;
};

struct Rdma {
    std::optional<uint32_t> hcaHandles;
    std::optional<uint32_t> hcaObjects;
};

struct Resources {
    std::vector<DeviceCgroupRule> devices;
    std::optional<Memory> memory;
    std::optional<Cpu> cpu;
    std::optional<BlockIO> blockIO;
    std::vector<HugepageLimit> hugepageLimits;
    std::optional<Network> network;
    std::optional<Pids> pids;
    std::map<std::string, Rdma> rdma;
    std::map<std::string, std::string> unified;
};

struct IntelRdt {
    std::optional<std::string> closID;
    std::optional<std::string> l3CacheSchema;
    std::optional<std::string> memBwSchema;
    std::vector<std::string> schemata;
    bool enableMonitoring = false;
};

struct MemoryPolicy {
    std::string mode;  // MPOL_*
    std::optional<std::string> nodes;
    std::vector<std::string> flags;
};

struct SeccompArg {
    uint32_t index = 0;
    uint64_t value = 0;
    std::optional<uint64_t> valueTwo;
    std::string op;  // SCMP_CMP_*
};

struct SeccompSyscall {
    std::vector<std::string> names;
    std::string action;  // SCMP_ACT_*
    std::optional<uint32_t> errnoRet;
    std::vector<SeccompArg> args;
};

struct Seccomp {
    std::string defaultAction;
    std::optional<uint32_t> defaultErrnoRet;
    std::vector<std::string> architectures;  // SCMP_ARCH_*
    std::vector<std::string> flags;          // SECCOMP_FILTER_FLAG_*
    std::optional<std::string> listenerPath;
    std::optional<std::string> listenerMetadata;
    std::vector<SeccompSyscall> syscalls;
};

struct Personality {
    std::string domain;  // LINUX, LINUX32
    std::vector<std::string> flags;
};

struct Linux {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uidMappings;
    std::vector<IdMapping> gidMappings;
    std::map<std::string, TimeOffset> timeOffsets;  // "monotonic", "boottime"
    std::vector<Device> devices;
    std::map<std::string, NetDevice> netDevices;
    std::optional<std::string> cgroupsPath;
    std::optional<Resources> resources;
    std::optional<IntelRdt> intelRdt;
    std::optional<MemoryPolicy> memoryPolicy;
    std::map<std::string, std::string> sysctl;
    std::optional<Seccomp> seccomp;
    std::optional<std::string> rootfsPropagation;  // shared, slave, private, unbindable
    std::vector<std::string> maskedPaths;
    std::vector<std::string> readonlyPaths;
    std::optional<std::string> mountLabel;
    std::optional<Personality> personality;

    const Namespace* find_namespace(NamespaceType t) const {
        for (const auto& ns : namespaces)
            if (ns.type == t) return &ns;
        return nullptr;
    }
};

struct Config {
    std::string ociVersion;
    std::optional<Root> root;
    std::vector<Mount> mounts;
    std::optional<Process> process;
    std::optional<std::string> hostname;
    std::optional<std::string> domainname;
    std::optional<Hooks> hooks;
    std::map<std::string, std::string> annotations;
    std::optional<Linux> linux_;  // JSON "linux" (the bare name is a predefined macro under GNU C++)
};

}  // namespace ocirt::spec
