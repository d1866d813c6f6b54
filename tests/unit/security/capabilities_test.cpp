#include "security/capabilities.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "base/error.hpp"
#include "security/child.hpp"

using namespace ocirt;
using ocirt::test::exited_with;
using ocirt::test::run_in_child;

namespace {

uint64_t bit(int cap) { return uint64_t{1} << cap; }

// Reads "CapEff:\t0000000000000001" style lines from /proc/self/status.
uint64_t status_mask(const std::string& key) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(key + ":")) return std::stoull(line.substr(key.size() + 1), nullptr, 16);
    return ~uint64_t{0};
}

// Returns 0 when every set in /proc/self/status equals the expected one, else the number of the first
// mismatching set.
int compare_status(const security::CapSets& want) {
    if (status_mask("CapEff") != want.effective) return 1;
    if (status_mask("CapPrm") != want.permitted) return 2;
    if (status_mask("CapInh") != want.inheritable) return 3;
    if (status_mask("CapBnd") != want.bounding) return 4;
    if (status_mask("CapAmb") != want.ambient) return 5;
    return 0;
}

spec::Capabilities sample() {
    spec::Capabilities c;
    c.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETPCAP"};
    c.effective = {"CAP_CHOWN", "CAP_KILL"};
    c.permitted = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    c.inheritable = {"CAP_NET_BIND_SERVICE"};
    c.ambient = {"CAP_NET_BIND_SERVICE"};
    return c;
}

}  // namespace

TEST_CASE("resolve_capabilities maps names to bits", "[security][capabilities]") {
    auto s = security::resolve_capabilities(sample());
    CHECK(s.bounding == (bit(CAP_CHOWN) | bit(CAP_KILL) | bit(CAP_NET_BIND_SERVICE) | bit(CAP_SETPCAP)));
    CHECK(s.effective == (bit(CAP_CHOWN) | bit(CAP_KILL)));
    CHECK(s.ambient == bit(CAP_NET_BIND_SERVICE));
}

TEST_CASE("resolve_capabilities skips an unknown capability with a warning", "[security][capabilities]") {
    // config.md: values that cannot be mapped to the kernel are logged as warnings, not errors.
    spec::Capabilities c;
    c.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_FLY"};
    c.effective = {"12"};
    auto s = security::resolve_capabilities(c);
    CHECK(s.bounding == (bit(CAP_CHOWN) | bit(CAP_KILL)));
    CHECK(s.effective == 0);
}

TEST_CASE("last_capability matches /proc/sys/kernel/cap_last_cap", "[security][capabilities]") {
    std::ifstream in("/proc/sys/kernel/cap_last_cap");
    int proc_last = -1;
    in >> proc_last;
    CHECK(security::last_capability() == proc_last);
}

TEST_CASE("apply_capabilities sets every set as root", "[security][capabilities]") {
    if (geteuid() != 0) return;
    auto want = security::resolve_capabilities(sample());
    int status = run_in_child([&] {
        security::apply_capabilities(want);
        return compare_status(want);
    });
    CHECK(exited_with(status, 0));
}

TEST_CASE("apply_capabilities after a switch to a non-root uid with KEEPCAPS", "[security][capabilities]") {
    if (geteuid() != 0) return;
    auto want = security::resolve_capabilities(sample());
    int status = run_in_child([&] {
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return 100;
        if (setresgid(1000, 1000, 1000) < 0 || setresuid(1000, 1000, 1000) < 0) return 101;
        security::apply_capabilities(want);
        return compare_status(want);
    });
    CHECK(exited_with(status, 0));
}

TEST_CASE("apply_capabilities with empty sets drops everything", "[security][capabilities]") {
    if (geteuid() != 0) return;
    security::CapSets none;
    int status = run_in_child([&] {
        security::apply_capabilities(none);
        return compare_status(none);
    });
    CHECK(exited_with(status, 0));
}
