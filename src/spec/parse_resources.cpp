// The "linux.resources" object: also the whole of `update --resources`.
#include "spec/parse_internal.hpp"

namespace ocirt::spec {

using json::Object;
using json::Path;
using json::Value;

static void read_into(const Value& v, const Path& p, DeviceCgroupRule& out) {
    Object o(v, p);
    o.get("allow", out.allow);
    o.get("type", out.type);
    o.get("major", out.major);
    o.get("minor", out.minor);
    o.get("access", out.access);
}

static void read_into(const Value& v, const Path& p, Memory& out) {
    Object o(v, p);
    o.get("limit", out.limit);
    o.get("reservation", out.reservation);
    o.get("swap", out.swap);
    o.get("kernel", out.kernel);
    o.get("kernelTCP", out.kernelTCP);
    o.get("swappiness", out.swappiness);
    o.get("disableOOMKiller", out.disableOOMKiller);
    o.get("useHierarchy", out.useHierarchy);
    o.get("checkBeforeUpdate", out.checkBeforeUpdate);
}

static void read_into(const Value& v, const Path& p, Cpu& out) {
    Object o(v, p);
    o.get("shares", out.shares);
    o.get("quota", out.quota);
    o.get("burst", out.burst);
    o.get("period", out.period);
    o.get("realtimeRuntime", out.realtimeRuntime);
    o.get("realtimePeriod", out.realtimePeriod);
    o.get("cpus", out.cpus);
    o.get("mems", out.mems);
    o.get("idle", out.idle);
}

static void read_into(const Value& v, const Path& p, WeightDevice& out) {
    Object o(v, p);
    o.get("major", out.major);
    o.get("minor", out.minor);
    o.get("weight", out.weight);
    o.get("leafWeight", out.leafWeight);
}

static void read_into(const Value& v, const Path& p, ThrottleDevice& out) {
    Object o(v, p);
    o.get("major", out.major);
    o.get("minor", out.minor);
    o.get("rate", out.rate);
}

static void read_into(const Value& v, const Path& p, BlockIO& out) {
    Object o(v, p);
    o.get("weight", out.weight);
    o.get("leafWeight", out.leafWeight);
    o.get("weightDevice", out.weightDevice);
    o.get("throttleReadBpsDevice", out.throttleReadBpsDevice);
    o.get("throttleWriteBpsDevice", out.throttleWriteBpsDevice);
    o.get("throttleReadIOPSDevice", out.throttleReadIOPSDevice);
    o.get("throttleWriteIOPSDevice", out.throttleWriteIOPSDevice);
}

static void read_into(const Value& v, const Path& p, HugepageLimit& out) {
    Object o(v, p);
    o.get("pageSize", out.pageSize);
    o.get("limit", out.limit);
}

static void read_into(const Value& v, const Path& p, NetPriority& out) {
    Object o(v, p);
    o.get("name", out.name);
    o.get("priority", out.priority);
}

static void read_into(const Value& v, const Path& p, Network& out) {
    Object o(v, p);
    o.get("classID", out.classID);
    o.get("priorities", out.priorities);
}

static void read_into(const Value& v, const Path& p, Pids& out) {
    Object o(v, p);
    o.get("limit", out.limit);
}

static void read_into(const Value& v, const Path& p, Rdma& out) {
    Object o(v, p);
    o.get("hcaHandles", out.hcaHandles);
    o.get("hcaObjects", out.hcaObjects);
}

void read_into(const Value& v, const Path& p, Resources& out) {
    Object o(v, p);
    o.get("devices", out.devices);
    o.get("memory", out.memory);
    o.get("cpu", out.cpu);
    o.get("blockIO", out.blockIO);
    o.get("hugepageLimits", out.hugepageLimits);
    o.get("network", out.network);
    o.get("pids", out.pids);
    o.get("rdma", out.rdma);
    o.get("unified", out.unified);
}

}  // namespace ocirt::spec
