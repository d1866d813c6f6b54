#include <catch2/catch.hpp>

#include "spec/parse.hpp"
#include "spec/resources_update.hpp"

using namespace ocirt::spec;

namespace {

constexpr const char* kAll = R"({"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}],
"memory":{"limit":67108864,"reservation":1048576,"swap":100663296,"kernel":-1,"kernelTCP":1024,"swappiness":10,
"disableOOMKiller":true,"useHierarchy":true,"checkBeforeUpdate":false},
"cpu":{"shares":1024,"quota":50000,"burst":1000,"period":100000,"realtimeRuntime":950,"realtimePeriod":1000,"cpus":"0-1","mems":"0","idle":1},
"blockIO":{"weight":500,"leafWeight":300,"weightDevice":[{"major":8,"minor":0,"weight":200,"leafWeight":100}],
"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1048576}],"throttleWriteBpsDevice":[{"major":8,"minor":0,"rate":2}],
"throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":3}],"throttleWriteIOPSDevice":[{"major":8,"minor":16,"rate":4}]},
"hugepageLimits":[{"pageSize":"2MB","limit":4194304}],"network":{"classID":7,"priorities":[{"name":"eth0","priority":3}]},
"pids":{"limit":32},"rdma":{"mlx5_0":{"hcaHandles":3,"hcaObjects":1000}},"unified":{"memory.high":"61440000"}})";

}  // namespace

TEST_CASE("resources_to_json writes every field parse_resources reads", "[spec]") {
    std::string once = resources_to_json(parse_resources(kAll));
    CHECK(resources_to_json(parse_resources(once)) == once);
    // Nothing lost on the way: the same members as the input, field for field.
    Resources r = parse_resources(once);
    CHECK(r.memory->disableOOMKiller == true);
    CHECK(r.cpu->cpus == "0-1");
    CHECK(r.blockIO->throttleWriteIOPSDevice.at(0).minor == 16);
    CHECK(r.rdma.at("mlx5_0").hcaObjects == 1000u);
    CHECK(r.unified.at("memory.high") == "61440000");
    CHECK(r.network->priorities.at(0).name == "eth0");
    CHECK(r.devices.at(1).major == 1);
    CHECK(resources_to_json(Resources{}) == "{}");
}

TEST_CASE("merge_resources: what update sets replaces, the rest stays", "[spec]") {
    Resources base = parse_resources(R"({"memory":{"limit":100,"swap":200},"pids":{"limit":10},
        "hugepageLimits":[{"pageSize":"2MB","limit":1}],"unified":{"a":"1"},"devices":[{"allow":false}]})");
    merge_resources(base, parse_resources(R"({"memory":{"limit":150},"cpu":{"shares":512},
        "hugepageLimits":[{"pageSize":"2MB","limit":2},{"pageSize":"1GB","limit":3}],"unified":{"b":"2"}})"));
    CHECK(base.memory->limit == 150);
    CHECK(base.memory->swap == 200);
    CHECK(base.pids->limit == 10);
    CHECK(base.cpu->shares == 512u);
    REQUIRE(base.hugepageLimits.size() == 2);
    CHECK(base.hugepageLimits[0].limit == 2u);
    CHECK(base.hugepageLimits[1].pageSize == "1GB");
    CHECK(base.unified.size() == 2);
    CHECK(base.devices.size() == 1);
    merge_resources(base, parse_resources(R"({"devices":[{"allow":true,"type":"c","major":1,"minor":3}]})"));
    REQUIRE(base.devices.size() == 1);
    CHECK(base.devices[0].allow);
}

TEST_CASE("replace_resources keeps the rest of config.json", "[spec]") {
    std::string cfg = R"({"ociVersion":"1.0.2","process":{"args":["sh"]},"linux":{"namespaces":[{"type":"pid"}],
        "resources":{"memory":{"limit":1}}},"annotations":{"k":"v"}})";
    Resources r;
    r.pids = Pids{5};
    std::string out = replace_resources(cfg, r);
    Config c = parse_config(out);
    CHECK(c.annotations.at("k") == "v");
    CHECK(c.linux_->namespaces.size() == 1);
    CHECK(!c.linux_->resources->memory);
    CHECK(c.linux_->resources->pids->limit == 5);
    // A config without linux gets one.
    CHECK(parse_config(replace_resources(R"({"ociVersion":"1.0.2"})", r)).linux_->resources->pids->limit == 5);
}
