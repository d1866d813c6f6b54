#include "spec/resources_update.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "base/error.hpp"

namespace ocirt::spec {

namespace {

template <typename T>
void take(std::optional<T>& base, const std::optional<T>& update) {
    if (update) base = update;
}

// Entries of update replace those of base with the same key(entry), the rest are added in order.
template <typename T, typename Key>
void merge_list(std::vector<T>& base, const std::vector<T>& update, Key key) {
    for (const auto& u : update) {
        auto same = std::find_if(base.begin(), base.end(), [&](const T& b) { return key(b) == key(u); });
        if (same != base.end()) *same = u;
        else base.push_back(u);
    }
}

void merge_memory(Memory& b, const Memory& u) {
    take(b.limit, u.limit);
    take(b.reservation, u.reservation);
    take(b.swap, u.swap);
    take(b.kernel, u.kernel);
    take(b.kernelTCP, u.kernelTCP);
    take(b.swappiness, u.swappiness);
    take(b.disableOOMKiller, u.disableOOMKiller);
    take(b.useHierarchy, u.useHierarchy);
    take(b.checkBeforeUpdate, u.checkBeforeUpdate);
}

void merge_cpu(Cpu& b, const Cpu& u) {
    take(b.shares, u.shares);
    take(b.quota, u.quota);
    take(b.burst, u.burst);
    take(b.period, u.period);
    take(b.realtimeRuntime, u.realtimeRuntime);
    take(b.realtimePeriod, u.realtimePeriod);
    take(b.cpus, u.cpus);
    take(b.mems, u.mems);
    take(b.idle, u.idle);
}

void merge_block_io(BlockIO& b, const BlockIO& u) {
    take(b.weight, u.weight);
    take(b.leafWeight, u.leafWeight);
    auto dev = [](const auto& d) { return std::pair(d.major, d.minor); };
    merge_list(b.weightDevice, u.weightDevice, dev);
    merge_list(b.throttleReadBpsDevice, u.throttleReadBpsDevice, dev);
    merge_list(b.throttleWriteBpsDevice, u.throttleWriteBpsDevice, dev);
    merge_list(b.throttleReadIOPSDevice, u.throttleReadIOPSDevice, dev);
    merge_list(b.throttleWriteIOPSDevice, u.throttleWriteIOPSDevice, dev);
}

// Merges an optional object: taken whole when base has none.
template <typename T, typename F>
void merge_object(std::optional<T>& base, const std::optional<T>& update, F merge) {
    if (!update) return;
    if (!base) base = update;
    else merge(*base, *update);
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, bool v) {
    w.Key(key);
    w.Bool(v);
}
void put(Writer& w, const char* key, const std::string& v) {
    w.Key(key);
    w.String(v.c_str());
}
template <typename T>
    requires std::is_integral_v<T>
void put(Writer& w, const char* key, T v) {
    w.Key(key);
    if constexpr (std::is_signed_v<T>) w.Int64(v);
    else w.Uint64(v);
}
template <typename T>
void put(Writer& w, const char* key, const std::optional<T>& v) {
    if (v) put(w, key, *v);
}

void put_throttle(Writer& w, const char* key, const std::vector<ThrottleDevice>& list) {
    if (list.empty()) return;
    w.Key(key);
    w.StartArray();
    for (const auto& t : list) {
        w.StartObject();
        put(w, "major", t.major);
        put(w, "minor", t.minor);
        put(w, "rate", t.rate);
        w.EndObject();
    }
    w.EndArray();
}

void write_devices(Writer& w, const std::vector<DeviceCgroupRule>& devices) {
    w.Key("devices");
    w.StartArray();
    for (const auto& d : devices) {
        w.StartObject();
        put(w, "allow", d.allow);
        put(w, "type", d.type);
        put(w, "major", d.major);
        put(w, "minor", d.minor);
        put(w, "access", d.access);
        w.EndObject();
    }
    w.EndArray();
}

void write_memory(Writer& w, const Memory& m) {
    w.Key("memory");
    w.StartObject();
    put(w, "limit", m.limit);
    put(w, "reservation", m.reservation);
    put(w, "swap", m.swap);
    put(w, "kernel", m.kernel);
    put(w, "kernelTCP", m.kernelTCP);
    put(w, "swappiness", m.swappiness);
    put(w, "disableOOMKiller", m.disableOOMKiller);
    put(w, "useHierarchy", m.useHierarchy);
    put(w, "checkBeforeUpdate", m.checkBeforeUpdate);
    w.EndObject();
}

void write_cpu(Writer& w, const Cpu& c) {
    w.Key("cpu");
    w.StartObject();
    put(w, "shares", c.shares);
    put(w, "quota", c.quota);
    put(w, "burst", c.burst);
    put(w, "period", c.period);
    put(w, "realtimeRuntime", c.realtimeRuntime);
    put(w, "realtimePeriod", c.realtimePeriod);
    put(w, "cpus", c.cpus);
    put(w, "mems", c.mems);
    put(w, "idle", c.idle);
    w.EndObject();
}

void write_block_io(Writer& w, const BlockIO& b) {
    w.Key("blockIO");
    w.StartObject();
    put(w, "weight", b.weight);
    put(w, "leafWeight", b.leafWeight);
    if (!b.weightDevice.empty()) {
        w.Key("weightDevice");
        w.StartArray();
        for (const auto& d : b.weightDevice) {
            w.StartObject();
            put(w, "major", d.major);
            put(w, "minor", d.minor);
            put(w, "weight", d.weight);
            put(w, "leafWeight", d.leafWeight);
            w.EndObject();
        }
        w.EndArray();
    }
    put_throttle(w, "throttleReadBpsDevice", b.throttleReadBpsDevice);
    put_throttle(w, "throttleWriteBpsDevice", b.throttleWriteBpsDevice);
    put_throttle(w, "throttleReadIOPSDevice", b.throttleReadIOPSDevice);
    put_throttle(w, "throttleWriteIOPSDevice", b.throttleWriteIOPSDevice);
    w.EndObject();
}

void write_small(Writer& w, const Resources& r) {
    if (!r.hugepageLimits.empty()) {
        w.Key("hugepageLimits");
        w.StartArray();
        for (const auto& h : r.hugepageLimits) {
            w.StartObject();
            put(w, "pageSize", h.pageSize);
            put(w, "limit", h.limit);
            w.EndObject();
        }
        w.EndArray();
    }
    if (r.network) {
        w.Key("network");
        w.StartObject();
        put(w, "classID", r.network->classID);
        if (!r.network->priorities.empty()) {
            w.Key("priorities");
            w.StartArray();
            for (const auto& p : r.network->priorities) {
                w.StartObject();
                put(w, "name", p.name);
                put(w, "priority", p.priority);
                w.EndObject();
            }
            w.EndArray();
        }
        w.EndObject();
    }
    if (r.pids) {
        w.Key("pids");
        w.StartObject();
        put(w, "limit", r.pids->limit);
        w.EndObject();
    }
    if (!r.rdma.empty()) {
        w.Key("rdma");
        w.StartObject();
        for (const auto& [dev, l] : r.rdma) {
            w.Key(dev.c_str());
            w.StartObject();
            put(w, "hcaHandles", l.hcaHandles);
            put(w, "hcaObjects", l.hcaObjects);
            w.EndObject();
        }
        w.EndObject();
    }
    if (!r.unified.empty()) {
        w.Key("unified");
        w.StartObject();
        for (const auto& [k, v] : r.unified) put(w, k.c_str(), v);
        w.EndObject();
    }
}

}  // namespace

void merge_resources(Resources& base, const Resources& update) {
    if (!update.devices.empty()) base.devices = update.devices;
    merge_object(base.memory, update.memory, merge_memory);
    merge_object(base.cpu, update.cpu, merge_cpu);
    merge_object(base.blockIO, update.blockIO, merge_block_io);
    merge_list(base.hugepageLimits, update.hugepageLimits, [](const HugepageLimit& h) { return h.pageSize; });
    merge_object(base.network, update.network, [](Network& b, const Network& u) {
        take(b.classID, u.classID);
        merge_list(b.priorities, u.priorities, [](const NetPriority& p) { return p.name; });
    });
    merge_object(base.pids, update.pids, [](Pids& b, const Pids& u) { take(b.limit, u.limit); });
    for (const auto& [dev, l] : update.rdma) base.rdma[dev] = l;
    for (const auto& [k, v] : update.unified) base.unified[k] = v;
}

std::string resources_to_json(const Resources& r) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    if (!r.devices.empty()) write_devices(w, r.devices);
    if (r.memory) write_memory(w, *r.memory);
    if (r.cpu) write_cpu(w, *r.cpu);
    if (r.blockIO) write_block_io(w, *r.blockIO);
    write_small(w, r);
    w.EndObject();
    return buf.GetString();
}

std::string replace_resources(std::string_view config_json, const Resources& r) {
    rapidjson::Document doc;
    doc.Parse(config_json.data(), config_json.size());
    if (doc.HasParseError() || !doc.IsObject()) throw Error("saved config.json is not a JSON object");
    auto& a = doc.GetAllocator();
    if (!doc.HasMember("linux")) doc.AddMember("linux", rapidjson::Value(rapidjson::kObjectType), a);
    auto& linux_obj = doc["linux"];
    if (!linux_obj.IsObject()) throw Error("saved config.json: linux is not an object");
    rapidjson::Document res(&a);
    std::string text = resources_to_json(r);
    res.Parse(text.c_str());
    if (linux_obj.HasMember("resources")) linux_obj["resources"] = rapidjson::Value(res, a);
    else linux_obj.AddMember("resources", rapidjson::Value(res, a), a);
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    doc.Accept(w);
    return buf.GetString();
}

}  // namespace ocirt::spec
