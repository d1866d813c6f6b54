// The device filter is checked by running it: a tiny interpreter for the instructions the builder emits.
#include <catch2/catch.hpp>

#include <cstring>

#include "base/error.hpp"
#include "cgroups/controllers.hpp"
#include "cgroups/device_filter.hpp"

using namespace ocirt;
using namespace ocirt::cgroups;

namespace {

constexpr uint32_t kChar = BPF_DEVCG_DEV_CHAR, kBlock = BPF_DEVCG_DEV_BLOCK;
constexpr uint32_t kR = BPF_DEVCG_ACC_READ, kW = BPF_DEVCG_ACC_WRITE, kM = BPF_DEVCG_ACC_MKNOD;

int run(const std::vector<bpf_insn>& prog, uint32_t type, uint32_t access, uint32_t major, uint32_t minor) {
    bpf_cgroup_dev_ctx ctx{(access << 16) | type, major, minor};
    uint64_t reg[11] = {};
    for (size_t pc = 0; pc < prog.size(); ++pc) {
        const bpf_insn& i = prog[pc];
        uint64_t imm = static_cast<uint64_t>(static_cast<int64_t>(i.imm));
        switch (i.code) {
            case BPF_LDX | BPF_MEM | BPF_W: {
                uint32_t v;
                std::memcpy(&v, reinterpret_cast<const char*>(&ctx) + i.off, 4);
                reg[i.dst_reg] = v;
                break;
            }
            case BPF_ALU64 | BPF_AND | BPF_K: reg[i.dst_reg] &= imm; break;
            case BPF_ALU64 | BPF_RSH | BPF_K: reg[i.dst_reg] >>= imm; break;
            case BPF_ALU64 | BPF_MOV | BPF_K: reg[i.dst_reg] = imm; break;
            case BPF_ALU64 | BPF_MOV | BPF_X: reg[i.dst_reg] = reg[i.src_reg]; break;
            case BPF_JMP | BPF_JNE | BPF_K:
                if (reg[i.dst_reg] != imm) pc += i.off;
                break;
            case BPF_JMP | BPF_EXIT: return static_cast<int>(reg[0]);
            default: FAIL("unexpected instruction " << int(i.code));
        }
        REQUIRE(pc < prog.size());
    }
    FAIL("fell off the end");
    return -1;
}

spec::DeviceCgroupRule rule(bool allow, const char* type, std::optional<int64_t> major, std::optional<int64_t> minor,
                            const char* access) {
    return {allow, type ? std::optional<std::string>(type) : std::nullopt, major, minor, std::string(access)};
}

}  // namespace

TEST_CASE("device filter: deny all, then allow some", "[cgroups]") {
    auto prog = build_device_filter({rule(false, nullptr, std::nullopt, std::nullopt, "rwm"),
                                     rule(true, "c", 1, 3, "rwm"), rule(true, "c", 136, std::nullopt, "rw"),
                                     rule(true, "b", 8, 0, "r")});
    CHECK(run(prog, kChar, kR | kW, 1, 3) == 1);
    CHECK(run(prog, kChar, kR, 1, 5) == 0);
    CHECK(run(prog, kChar, kR | kW, 136, 7) == 1);
    CHECK(run(prog, kChar, kM, 136, 7) == 0);  // the rule does not cover mknod
    CHECK(run(prog, kBlock, kR, 8, 0) == 1);
    CHECK(run(prog, kBlock, kR | kW, 8, 0) == 0);
    CHECK(run(prog, kChar, kR, 8, 0) == 0);  // a char device with a block rule's numbers
}

TEST_CASE("device filter: later rules win, nothing matched is denied", "[cgroups]") {
    auto allow_all_but = build_device_filter({rule(true, "a", std::nullopt, std::nullopt, "rwm"),
                                              rule(false, "c", 1, 5, "w")});
    CHECK(run(allow_all_but, kChar, kR, 1, 5) == 1);
    CHECK(run(allow_all_but, kChar, kW, 1, 5) == 0);
    CHECK(run(allow_all_but, kBlock, kR | kW, 7, 0) == 1);
    // The verifier refuses unreachable code: nothing may follow a rule that matches every request.
    auto deny_all = build_device_filter({rule(true, "c", 1, 3, "rwm"), rule(false, "a", std::nullopt, std::nullopt, "rwm")});
    CHECK(deny_all.size() == 8);
    CHECK(run(deny_all, kChar, kR, 1, 3) == 0);
    auto empty = build_device_filter({});
    CHECK(run(empty, kChar, kR, 1, 3) == 0);
    auto defaults = build_device_filter(default_device_rules());
    CHECK(run(defaults, kChar, kR | kW, 1, 9) == 1);
    CHECK(run(defaults, kBlock, kM, 8, 0) == 1);
    CHECK(run(defaults, kBlock, kR, 8, 0) == 0);
}

TEST_CASE("device filter: bad rules name the field", "[cgroups]") {
    CHECK_THROWS_WITH(build_device_filter({rule(true, "x", 1, 1, "r")}), Catch::Contains("linux.resources.devices"));
}
