#include <catch2/catch.hpp>

#include <algorithm>

#include "base/error.hpp"
#include "cgroups/systemd_properties.hpp"

using namespace ocirt::cgroups::systemd;
using ocirt::spec::DeviceCgroupRule;
using ocirt::spec::Resources;
using Pairs = std::vector<std::pair<std::string, std::string>>;
using DeviceValues = std::vector<std::pair<std::string, uint64_t>>;

namespace {

const Value* find(const std::vector<Property>& p, const std::string& name) {
    auto it = std::find_if(p.rbegin(), p.rend(), [&](const Property& x) { return x.name == name; });
    return it == p.rend() ? nullptr : &it->value;
}

template <typename T>
T get(const std::vector<Property>& p, const std::string& name) {
    const Value* v = find(p, name);
    REQUIRE(v != nullptr);
    REQUIRE(std::holds_alternative<T>(*v));
    return std::get<T>(*v);
}

constexpr const char* kProcDevices = "Character devices:\n  1 mem\n  5 /dev/tty\n136 pts\n\nBlock devices:\n  8 sd\n";

}  // namespace

TEST_CASE("systemd version from Manager.Version", "[cgroups]") {
    CHECK(parse_version("252.22-1~deb12u1") == 252);
    CHECK(parse_version("244") == 244);
    CHECK(parse_version("v250") == 0);
}

TEST_CASE("cpuset lists as systemd's byte mask, lowest CPU in the lowest bit of byte 0", "[cgroups]") {
    CHECK(cpuset_mask("0", "f") == std::vector<uint8_t>{0x01});
    CHECK(cpuset_mask("0-3,7", "f") == std::vector<uint8_t>{0x8f});
    CHECK(cpuset_mask("1,9", "f") == std::vector<uint8_t>{0x02, 0x02});
    CHECK(cpuset_mask("8-10", "f") == std::vector<uint8_t>{0x00, 0x07});
    CHECK_THROWS_WITH(cpuset_mask("3-1", "linux.resources.cpu.cpus"), Catch::Contains("linux.resources.cpu.cpus"));
    CHECK_THROWS_AS(cpuset_mask("a", "f"), ocirt::Error);
    CHECK_THROWS_AS(cpuset_mask("1,", "f"), ocirt::Error);
    CHECK_THROWS_AS(cpuset_mask("0-99999999", "f"), ocirt::Error);
}

TEST_CASE("systemd properties: cpuset only on v2 with systemd >= 244", "[cgroups]") {
    Resources r;
    r.cpu.emplace();
    r.cpu->cpus = "0-1";
    r.cpu->mems = "0";
    auto p = resource_properties(r, true, 252, "");
    CHECK(get<std::vector<uint8_t>>(p, "AllowedCPUs") == std::vector<uint8_t>{0x03});
    CHECK(get<std::vector<uint8_t>>(p, "AllowedMemoryNodes") == std::vector<uint8_t>{0x01});
    CHECK(find(resource_properties(r, true, 243, ""), "AllowedCPUs") == nullptr);
    CHECK(find(resource_properties(r, false, 252, ""), "AllowedCPUs") == nullptr);
}

TEST_CASE("systemd properties: memory, cpu, pids, io on v2 and v1", "[cgroups]") {
    Resources r;
    r.memory.emplace();
    r.memory->limit = 64 << 20;
    r.memory->reservation = 1 << 20;
    r.memory->swap = 96 << 20;
    r.cpu.emplace();
    r.cpu->shares = 1024;
    r.cpu->quota = 50000;
    r.cpu->period = 200000;
    r.pids = ocirt::spec::Pids{-1};
    r.blockIO.emplace();
    r.blockIO->weight = 500;
    auto v2 = resource_properties(r, true, 252, "");
    CHECK(get<uint64_t>(v2, "MemoryMax") == 64 << 20);
    CHECK(get<uint64_t>(v2, "MemoryLow") == 1 << 20);
    CHECK(get<uint64_t>(v2, "MemorySwapMax") == 32 << 20);
    CHECK(get<uint64_t>(v2, "CPUWeight") == 39);
    CHECK(get<uint64_t>(v2, "CPUQuotaPerSecUSec") == 250000);
    CHECK(get<uint64_t>(v2, "CPUQuotaPeriodUSec") == 200000);
    CHECK(get<uint64_t>(v2, "TasksMax") == UINT64_MAX);
    CHECK(get<uint64_t>(v2, "IOWeight") == 4950);
    auto v1 = resource_properties(r, false, 252, "");
    CHECK(get<uint64_t>(v1, "MemoryLimit") == 64 << 20);
    CHECK(find(v1, "MemoryLow") == nullptr);
    CHECK(find(v1, "MemorySwapMax") == nullptr);
    CHECK(get<uint64_t>(v1, "CPUShares") == 1024);
    CHECK(get<uint64_t>(v1, "BlockIOWeight") == 500);
    CHECK(find(resource_properties(r, true, 241, ""), "CPUQuotaPeriodUSec") == nullptr);
}

TEST_CASE("systemd properties: quota rounds up to 10 ms a second, -1 is infinity", "[cgroups]") {
    Resources r;
    r.cpu.emplace();
    r.cpu->quota = 12345;  // per the default 100 ms period: 123450 us a second
    CHECK(get<uint64_t>(resource_properties(r, true, 252, ""), "CPUQuotaPerSecUSec") == 130000);
    r.cpu->quota = -1;
    CHECK(get<uint64_t>(resource_properties(r, true, 252, ""), "CPUQuotaPerSecUSec") == UINT64_MAX);
}

TEST_CASE("systemd properties: devices as DevicePolicy=strict and DeviceAllow", "[cgroups]") {
    Resources r;
    r.devices = {DeviceCgroupRule{false, "a", {}, {}, "rwm"}, DeviceCgroupRule{true, "c", 10, 229, "rw"},
                 DeviceCgroupRule{true, "b", 8, {}, "r"}};
    auto p = resource_properties(r, true, 252, kProcDevices);
    CHECK(get<std::string>(p, "DevicePolicy") == "strict");
    auto allow = get<Pairs>(p, "DeviceAllow");
    CHECK(allow.front() == Pairs::value_type{"/dev/char/10:229", "rw"});
    CHECK(allow[1] == Pairs::value_type{"block-sd", "r"});
    // The defaults every container gets follow: mknod of anything, /dev/null, the pty slaves...
    CHECK(std::count(allow.begin(), allow.end(), Pairs::value_type{"char-*", "m"}) == 1);
    CHECK(std::count(allow.begin(), allow.end(), Pairs::value_type{"/dev/char/1:3", "rwm"}) == 1);
    CHECK(std::count(allow.begin(), allow.end(), Pairs::value_type{"char-pts", "rwm"}) == 1);
    // An empty DeviceAllow comes first, so that an update replaces the list instead of appending to it.
    auto first = std::find_if(p.begin(), p.end(), [](const Property& x) { return x.name == "DeviceAllow"; });
    CHECK(std::get<Pairs>(first->value).empty());
}

TEST_CASE("systemd properties: device rules systemd cannot hold fall back to policy auto", "[cgroups]") {
    Resources r;
    // Allow everything but one device: systemd has no deny list.
    r.devices = {DeviceCgroupRule{true, "a", {}, {}, "rwm"}, DeviceCgroupRule{false, "c", 1, 1, "rwm"}};
    auto p = resource_properties(r, true, 252, kProcDevices);
    CHECK(get<std::string>(p, "DevicePolicy") == "auto");
    CHECK(get<Pairs>(p, "DeviceAllow").empty());
    // A major /proc/devices does not name.
    r.devices = {DeviceCgroupRule{false, "a", {}, {}, "rwm"}, DeviceCgroupRule{true, "c", 250, {}, "rwm"}};
    CHECK(get<std::string>(resource_properties(r, true, 252, kProcDevices), "DevicePolicy") == "auto");
    // A deny that removes what an allow of the same device gave is fine.
    r.devices = {DeviceCgroupRule{false, "a", {}, {}, "rwm"}, DeviceCgroupRule{true, "c", 1, 1, "rwm"},
                 DeviceCgroupRule{false, "c", 1, 1, "w"}};
    auto narrowed = get<Pairs>(resource_properties(r, true, 252, kProcDevices), "DeviceAllow");
    CHECK(narrowed.front() == Pairs::value_type{"/dev/char/1:1", "rm"});
    // ... but not one inside a wildcard allowed before it.
    r.devices = {DeviceCgroupRule{false, "a", {}, {}, "rwm"}, DeviceCgroupRule{true, "c", 136, {}, "rwm"},
                 DeviceCgroupRule{false, "c", 136, 3, "rwm"}};
    CHECK(get<std::string>(resource_properties(r, true, 252, kProcDevices), "DevicePolicy") == "auto");
}

TEST_CASE("systemd properties: type a is every device, and only with every access", "[cgroups]") {
    Resources r;
    // Numbers on an "a" rule mean nothing, as in devices.deny.
    r.devices = {DeviceCgroupRule{false, "a", 1, 3, "rwm"}, DeviceCgroupRule{true, "c", 1, 3, "rwm"}};
    CHECK(get<std::string>(resource_properties(r, true, 252, kProcDevices), "DevicePolicy") == "strict");
    // "Every device, read only" has no DevicePolicy.
    r.devices = {DeviceCgroupRule{false, "a", {}, {}, "rwm"}, DeviceCgroupRule{true, "a", {}, {}, "r"}};
    CHECK(get<std::string>(resource_properties(r, true, 252, kProcDevices), "DevicePolicy") == "auto");
}

TEST_CASE("systemd properties: per-device IO on v2 as /dev/block/MAJ:MIN with io.weight's scale", "[cgroups]") {
    Resources r;
    r.blockIO.emplace();
    r.blockIO->weightDevice = {{8, 0, 500, std::nullopt}, {8, 16, std::nullopt, 300}, {8, 32, 5, std::nullopt}};
    r.blockIO->throttleReadBpsDevice = {{8, 0, 1048576}, {8, 16, 0}};
    r.blockIO->throttleWriteBpsDevice = {{8, 0, 2097152}};
    r.blockIO->throttleReadIOPSDevice = {{253, 1, 100}};
    r.blockIO->throttleWriteIOPSDevice = {{8, 0, 200}};
    auto p = resource_properties(r, true, 252, "");
    // Only a weight systemd can hold: none for a leaf weight alone, none below the 10..1000 range.
    CHECK(get<DeviceValues>(p, "IODeviceWeight") == DeviceValues{{"/dev/block/8:0", 4950}});
    // A rate of 0 is no limit.
    CHECK(get<DeviceValues>(p, "IOReadBandwidthMax") ==
          DeviceValues{{"/dev/block/8:0", 1048576}, {"/dev/block/8:16", UINT64_MAX}});
    CHECK(get<DeviceValues>(p, "IOWriteBandwidthMax") == DeviceValues{{"/dev/block/8:0", 2097152}});
    CHECK(get<DeviceValues>(p, "IOReadIOPSMax") == DeviceValues{{"/dev/block/253:1", 100}});
    CHECK(get<DeviceValues>(p, "IOWriteIOPSMax") == DeviceValues{{"/dev/block/8:0", 200}});
    CHECK(find(p, "BlockIODeviceWeight") == nullptr);
}

TEST_CASE("systemd properties: per-device IO on v1, without IOPS; no empty lists", "[cgroups]") {
    Resources r;
    r.blockIO.emplace();
    r.blockIO->weightDevice = {{8, 0, 500, std::nullopt}};
    r.blockIO->throttleReadBpsDevice = {{8, 0, 1048576}};
    r.blockIO->throttleWriteBpsDevice = {{8, 0, 2097152}};
    r.blockIO->throttleWriteIOPSDevice = {{8, 0, 200}};
    auto p = resource_properties(r, false, 252, "");
    CHECK(get<DeviceValues>(p, "BlockIODeviceWeight") == DeviceValues{{"/dev/block/8:0", 500}});
    CHECK(get<DeviceValues>(p, "BlockIOReadBandwidth") == DeviceValues{{"/dev/block/8:0", 1048576}});
    CHECK(get<DeviceValues>(p, "BlockIOWriteBandwidth") == DeviceValues{{"/dev/block/8:0", 2097152}});
    for (const char* name : {"IODeviceWeight", "IOWriteIOPSMax", "IOReadBandwidthMax"}) CHECK(find(p, name) == nullptr);
    // An empty list would clear every device's value in systemd: none is sent.
    r.blockIO->weightDevice.clear();
    r.blockIO->throttleReadBpsDevice.clear();
    CHECK(find(resource_properties(r, false, 252, ""), "BlockIODeviceWeight") == nullptr);
    CHECK(find(resource_properties(r, false, 252, ""), "BlockIOReadBandwidth") == nullptr);
}

TEST_CASE("systemd properties: cpu.idle as CPUWeight=idle (0) on v2 from systemd 252", "[cgroups]") {
    Resources r;
    r.cpu.emplace();
    r.cpu->shares = 1024;
    r.cpu->idle = 1;
    CHECK(get<uint64_t>(resource_properties(r, true, 252, ""), "CPUWeight") == 0);
    // Older systemd refuses 0, and v1 has no idle: the shares alone, cpu.idle in the file.
    CHECK(get<uint64_t>(resource_properties(r, true, 251, ""), "CPUWeight") == 39);
    CHECK(get<uint64_t>(resource_properties(r, false, 252, ""), "CPUShares") == 1024);
    // Leaving idle needs a weight that is not idle: the shares', else systemd's default (unset).
    r.cpu->idle = 0;
    CHECK(get<uint64_t>(resource_properties(r, true, 252, ""), "CPUWeight") == 39);
    r.cpu->shares.reset();
    CHECK(get<uint64_t>(resource_properties(r, true, 252, ""), "CPUWeight") == UINT64_MAX);
    r.cpu->idle.reset();
    CHECK(find(resource_properties(r, true, 252, ""), "CPUWeight") == nullptr);
}
