// Entry (manager.hpp): what the new process writes itself, and what add_process still moves afterwards.
#include <catch2/catch.hpp>

#include "cgroups/drivers.hpp"
#include "fixture.hpp"

using namespace ocirt::cgroups;
using ocirt::cgroups::test::Fixture;

TEST_CASE("v1 entry: tasks files for the process itself, the hybrid v2 tree by CLONE_INTO_CGROUP", "[cgroups]") {
    Fixture pids({"tasks", "cgroup.procs"}), memory({"tasks", "cgroup.procs"}), unified({"cgroup.procs"});
    auto m = make_v1_manager({{"pids", pids.dir().path()}, {"memory", memory.dir().path()}, {"", unified.dir().path()}},
                             {}, false);
    Entry e = m->entry();
    REQUIRE(e.tasks.size() == 2);
    CHECK(e.clone_into.valid());

    enter_self(e);
    CHECK(pids.get("tasks") == "0");
    CHECK(memory.get("tasks") == "0");
    CHECK_FALSE(e.tasks[0].fd.valid());

    SECTION("CLONE_INTO_CGROUP refused: only the v2 directory is left to move") {
        m->add_process(4321, e);
        CHECK(unified.get("cgroup.procs") == "4321");
        CHECK(pids.get("cgroup.procs").empty());
    }
    SECTION("cloned into v2 as well: nothing is moved") {
        e.cloned = true;
        m->add_process(4321, e);
        CHECK(unified.get("cgroup.procs").empty());
        CHECK(memory.get("cgroup.procs").empty());
    }
    SECTION("no entry used (criu, the systemd driver): every directory") {
        m->add_process(4321);
        CHECK(unified.get("cgroup.procs") == "4321");
        CHECK(pids.get("cgroup.procs") == "4321");
        CHECK(memory.get("cgroup.procs") == "4321");
    }
}

TEST_CASE("v1 entry: a tasks file that cannot be opened is an error naming it", "[cgroups]") {
    Fixture pids({"cgroup.procs"});
    auto m = make_v1_manager({{"pids", pids.dir().path()}}, {}, false);
    CHECK_THROWS_WITH(m->entry(), Catch::Contains(pids.dir().path() + "/tasks"));
}

TEST_CASE("v2 entry: the directory for CLONE_INTO_CGROUP, add_process only when it was not used", "[cgroups]") {
    Fixture dir({"cgroup.procs"});
    auto m = make_v2_manager(dir.dir().path(), "", false);
    Entry e = m->entry();
    CHECK(e.clone_into.valid());
    CHECK(e.tasks.empty());
    e.cloned = true;
    m->add_process(99, e);
    CHECK(dir.get("cgroup.procs").empty());
    e.cloned = false;
    m->add_process(99, e);
    CHECK(dir.get("cgroup.procs") == "99");
}
