#include <catch2/catch.hpp>

#include "base/error.hpp"
#include "cgroups/controllers.hpp"
#include "fixture.hpp"

using namespace ocirt;
using namespace ocirt::cgroups;
using test::Fixture;

TEST_CASE("conversions match the other runtimes", "[cgroups]") {
    CHECK(shares_to_weight(0) == 0);
    CHECK(shares_to_weight(2) == 1);
    CHECK(shares_to_weight(1024) == 39);
    CHECK(shares_to_weight(262144) == 10000);
    CHECK(blkio_weight_to_io_weight(10) == 1);
    CHECK(blkio_weight_to_io_weight(500) == 4950);
    CHECK(blkio_weight_to_io_weight(1000) == 10000);
    CHECK(parse_page_size("2MB") == 2u << 20);
    CHECK(parse_page_size("64KB") == 64u << 10);
    CHECK(parse_page_size("1GB") == 1u << 30);
    CHECK_THROWS_WITH(parse_page_size("2M"), Catch::Contains("pageSize"));
}

TEST_CASE("v2 swap is memory+swap minus memory", "[cgroups]") {
    CHECK(swap_to_v2(-1, 100) == -1);
    CHECK(!swap_to_v2(0, 100));
    CHECK(swap_to_v2(300, 100) == 200);
    CHECK_THROWS_WITH(swap_to_v2(300, std::nullopt), Catch::Contains("memory.swap"));
    CHECK_THROWS_WITH(swap_to_v2(50, 100), Catch::Contains("memory.swap"));
}

TEST_CASE("v1 memory: every field in its file", "[cgroups]") {
    Fixture f({"memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
               "memory.kmem.tcp.limit_in_bytes", "memory.swappiness", "memory.oom_control", "memory.use_hierarchy"});
    f.set("memory.memsw.limit_in_bytes", "9223372036854771712");
    spec::Memory m;
    m.limit = 1000;
    m.swap = 2000;
    m.reservation = 500;
    m.kernelTCP = 300;
    m.swappiness = 10;
    m.disableOOMKiller = true;
    m.useHierarchy = true;
    v1::apply_memory(f.dir(), m);
    CHECK(f.get("memory.limit_in_bytes") == "1000");
    CHECK(f.get("memory.memsw.limit_in_bytes") == "2000");
    CHECK(f.get("memory.soft_limit_in_bytes") == "500");
    CHECK(f.get("memory.kmem.tcp.limit_in_bytes") == "300");
    CHECK(f.get("memory.swappiness") == "10");
    CHECK(f.get("memory.oom_control") == "1");
    CHECK(f.get("memory.use_hierarchy") == "1");
}

TEST_CASE("v1 memory: a missing file is an error naming the field", "[cgroups]") {
    Fixture f({"memory.limit_in_bytes"});
    spec::Memory m;
    m.limit = 1000;
    m.swap = 2000;
    CHECK_THROWS_WITH(v1::apply_memory(f.dir(), m), Catch::Contains("linux.resources.memory.swap") &&
                                                        Catch::Contains("memory.memsw.limit_in_bytes"));
    spec::Memory sw;
    sw.swappiness = 101;
    Fixture g({"memory.swappiness"});
    CHECK_THROWS_WITH(v1::apply_memory(g.dir(), sw), Catch::Contains("swappiness"));
}

TEST_CASE("v1 memory: checkBeforeUpdate refuses a limit below the usage", "[cgroups]") {
    Fixture f({"memory.limit_in_bytes"});
    f.set("memory.usage_in_bytes", "5000");
    spec::Memory m;
    m.limit = 1000;
    m.checkBeforeUpdate = true;
    CHECK_THROWS_WITH(v1::apply_memory(f.dir(), m), Catch::Contains("memory.limit") && Catch::Contains("5000"));
    CHECK(f.get("memory.limit_in_bytes").empty());
}

TEST_CASE("v2 memory: max, low, swap.max", "[cgroups]") {
    Fixture f({"memory.max", "memory.low", "memory.swap.max"});
    spec::Memory m;
    m.limit = 1000;
    m.swap = 3000;
    m.reservation = 10;
    v2::apply_memory(f.dir(), m);
    CHECK(f.get("memory.max") == "1000");
    CHECK(f.get("memory.swap.max") == "2000");
    CHECK(f.get("memory.low") == "10");
    spec::Memory unlimited;
    unlimited.limit = -1;
    v2::apply_memory(f.dir(), unlimited);
    CHECK(f.get("memory.max") == "max");
    CHECK(f.get("memory.swap.max") == "max");
    spec::Memory bad;
    bad.swappiness = 1;
    CHECK_THROWS_WITH(v2::apply_memory(f.dir(), bad), Catch::Contains("linux.resources.memory.swappiness"));
}

TEST_CASE("v1 cpu and cpuset", "[cgroups]") {
    Fixture f({"cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.cfs_burst_us", "cpu.rt_period_us",
               "cpu.rt_runtime_us", "cpu.idle", "cpuset.cpus", "cpuset.mems"});
    spec::Cpu c;
    c.shares = 512;
    c.quota = 50000;
    c.period = 100000;
    c.burst = 1000;
    c.realtimePeriod = 1000000;
    c.realtimeRuntime = 950000;
    c.idle = 1;
    c.cpus = "0-1";
    c.mems = "0";
    v1::apply_cpu(f.dir(), c);
    v1::apply_cpuset(f.dir(), c);
    CHECK(f.get("cpu.shares") == "512");
    CHECK(f.get("cpu.cfs_quota_us") == "50000");
    CHECK(f.get("cpu.cfs_period_us") == "100000");
    CHECK(f.get("cpu.cfs_burst_us") == "1000");
    CHECK(f.get("cpu.rt_runtime_us") == "950000");
    CHECK(f.get("cpu.idle") == "1");
    CHECK(f.get("cpuset.cpus") == "0-1");
    spec::Cpu over;
    over.quota = 10;
    over.burst = 20;
    CHECK_THROWS_WITH(v1::apply_cpu(f.dir(), over), Catch::Contains("linux.resources.cpu.burst"));
}

TEST_CASE("v1 cpuset: a new level copies its parent's cpus and mems", "[cgroups]") {
    Fixture f({"cpuset.cpus", "cpuset.mems"});
    f.set("cpuset.cpus", "0-3");
    f.set("cpuset.mems", "0");
    std::filesystem::create_directory(f.dir().file("child"));
    Dir child(f.dir().file("child"));
    std::ofstream(child.file("cpuset.cpus")) << "";
    std::ofstream(child.file("cpuset.mems")) << "";
    v1::init_cpuset(child, "/");
    CHECK(child.read("cpuset.cpus") == "0-3");
    CHECK(child.read("cpuset.mems") == "0");
}

TEST_CASE("v2 cpu: shares become cpu.weight, quota and period cpu.max", "[cgroups]") {
    Fixture f({"cpu.weight", "cpu.max", "cpu.max.burst", "cpu.idle"});
    spec::Cpu c;
    c.shares = 1024;
    c.quota = 50000;
    c.period = 100000;
    v2::apply_cpu(f.dir(), c);
    CHECK(f.get("cpu.weight") == "39");
    CHECK(f.get("cpu.max") == "50000 100000");
    spec::Cpu unlimited;
    unlimited.quota = -1;
    v2::apply_cpu(f.dir(), unlimited);
    CHECK(f.get("cpu.max") == "max");
    spec::Cpu period_only;
    period_only.period = 20000;
    v2::apply_cpu(f.dir(), period_only);
    CHECK(f.get("cpu.max") == "max 20000");
    spec::Cpu rt;
    rt.realtimeRuntime = 5;
    CHECK_THROWS_WITH(v2::apply_cpu(f.dir(), rt), Catch::Contains("realtimeRuntime"));
}

TEST_CASE("v2 cpu.idle: an idle group gets no weight (the kernel refuses one)", "[cgroups]") {
    Fixture f({"cpu.weight", "cpu.max", "cpu.max.burst", "cpu.idle"});
    f.set("cpu.weight", "100");
    spec::Cpu c;
    c.shares = 1024;
    c.idle = 1;
    v2::apply_cpu(f.dir(), c);
    CHECK(f.get("cpu.idle") == "1");
    CHECK(f.get("cpu.weight") == "100");
    c.idle = 0;
    v2::apply_cpu(f.dir(), c);
    CHECK(f.get("cpu.idle") == "0");
    CHECK(f.get("cpu.weight") == "39");
}

TEST_CASE("pids: -1 is max and 0 is a limit", "[cgroups]") {
    Fixture f({"pids.max"});
    v2::apply_pids(f.dir(), spec::Pids{-1});
    CHECK(f.get("pids.max") == "max");
    v1::apply_pids(f.dir(), spec::Pids{0});
    CHECK(f.get("pids.max") == "0");
    v1::apply_pids(f.dir(), spec::Pids{42});
    CHECK(f.get("pids.max") == "42");
}

TEST_CASE("blkio v1 and io v2", "[cgroups]") {
    spec::BlockIO b;
    b.weight = 500;
    b.weightDevice.push_back({8, 0, 300, std::nullopt});
    b.throttleReadBpsDevice.push_back({8, 0, 1048576});
    b.throttleWriteIOPSDevice.push_back({8, 16, 100});
    Fixture v1f({"blkio.weight", "blkio.weight_device", "blkio.throttle.read_bps_device",
                 "blkio.throttle.write_iops_device", "blkio.throttle.write_bps_device", "blkio.throttle.read_iops_device"});
    v1::apply_blkio(v1f.dir(), b);
    CHECK(v1f.get("blkio.weight") == "500");
    CHECK(v1f.get("blkio.weight_device") == "8:0 300");
    CHECK(v1f.get("blkio.throttle.read_bps_device") == "8:0 1048576");
    CHECK(v1f.get("blkio.throttle.write_iops_device") == "8:16 100");
    Fixture v2f({"io.weight", "io.max"});
    b.throttleReadBpsDevice.clear();
    v2::apply_io(v2f.dir(), b);
    CHECK(v2f.get("io.weight") == "8:0 2930");
    CHECK(v2f.get("io.max") == "8:16 wiops=100");
    Fixture bfq({"io.bfq.weight", "io.max"});
    spec::BlockIO w;
    w.weight = 500;
    v2::apply_io(bfq.dir(), w);
    CHECK(bfq.get("io.bfq.weight") == "500");
    Fixture none({});
    CHECK_THROWS_WITH(v1::apply_blkio(none.dir(), w), Catch::Contains("linux.resources.blockIO.weight"));
}

TEST_CASE("hugetlb, network, rdma, unified", "[cgroups]") {
    Fixture f({"hugetlb.2MB.limit_in_bytes", "hugetlb.2MB.rsvd.limit_in_bytes", "net_cls.classid",
               "net_prio.ifpriomap", "rdma.max", "memory.high"});
    v1::apply_hugetlb(f.dir(), {{"2MB", 4194304}});
    CHECK(f.get("hugetlb.2MB.limit_in_bytes") == "4194304");
    CHECK(f.get("hugetlb.2MB.rsvd.limit_in_bytes") == "4194304");
    CHECK_THROWS_WITH(v1::apply_hugetlb(f.dir(), {{"1GB", 1}}), Catch::Contains("hugepageLimits") && Catch::Contains("1GB"));
    spec::Network n;
    n.classID = 1048577;
    n.priorities.push_back({"eth0", 5});
    v1::apply_net_cls(f.dir(), n);
    v1::apply_net_prio(f.dir(), n);
    CHECK(f.get("net_cls.classid") == "1048577");
    CHECK(f.get("net_prio.ifpriomap") == "eth0 5");
    CHECK_THROWS_WITH(v2::reject_network(n), Catch::Contains("network.classID"));
    v2::apply_rdma(f.dir(), {{"mlx5_1", spec::Rdma{3, 10000}}});
    CHECK(f.get("rdma.max") == "mlx5_1 hca_handle=3 hca_object=10000");
    v2::apply_unified(f.dir(), {{"memory.high", "5000"}});
    CHECK(f.get("memory.high") == "5000");
    CHECK_THROWS_WITH(v2::apply_unified(f.dir(), {{"memory.nope", "1"}}), Catch::Contains("unified[\"memory.nope\"]"));
    CHECK_THROWS_WITH(v2::apply_unified(f.dir(), {{"../x", "1"}}), Catch::Contains("not a cgroup file"));
}

TEST_CASE("v1 device rules in order, in the kernel's syntax", "[cgroups]") {
    Fixture f({"devices.allow", "devices.deny"});
    CHECK(device_rule_string({false, std::nullopt, std::nullopt, std::nullopt, std::string("rwm")}) == "a *:* rwm");
    CHECK(device_rule_string({true, std::string("c"), 1, 3, std::string("rw")}) == "c 1:3 rw");
    CHECK(device_rule_string({true, std::string("b"), 8, std::nullopt, std::nullopt}) == "b 8:* rwm");
    CHECK_THROWS_WITH(device_rule_string({true, std::string("x"), 1, 3, std::nullopt}), Catch::Contains("devices"));
    CHECK_THROWS_WITH(device_rule_string({true, std::string("c"), 1, 3, std::string("rwx")}), Catch::Contains("access"));
    v1::apply_devices(f.dir(), {{false, std::nullopt, std::nullopt, std::nullopt, std::string("rwm")},
                                {true, std::string("c"), 1, 3, std::string("rwm")}});
    // A fixture file keeps the last write only: the order shows in which file holds what.
    CHECK(f.get("devices.deny") == "a *:* rwm");
    CHECK(f.get("devices.allow") == "c 1:3 rwm");
}
