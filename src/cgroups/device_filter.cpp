#include "cgroups/device_filter.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "cgroups/controllers.hpp"

namespace ocirt::cgroups {

namespace {

// Registers as the program uses them: r1 the context, then the request split into its parts.
constexpr uint8_t kTmp = 1, kType = 2, kAccess = 3, kMajor = 4, kMinor = 5;

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}

bpf_insn load_ctx(uint8_t dst, int16_t off) { return insn(BPF_LDX | BPF_MEM | BPF_W, dst, 1, off, 0); }
bpf_insn alu_imm(uint8_t op, uint8_t dst, int32_t imm) { return insn(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm); }
bpf_insn mov_reg(uint8_t dst, uint8_t src) { return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn jne_imm(uint8_t dst, int32_t imm, int16_t off) { return insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm); }
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

int32_t access_bits(const std::string& access) {
    int32_t bits = 0;
    for (char c : access) {
        if (c == 'r') bits |= BPF_DEVCG_ACC_READ;
        if (c == 'w') bits |= BPF_DEVCG_ACC_WRITE;
        if (c == 'm') bits |= BPF_DEVCG_ACC_MKNOD;
    }
    return bits;
}

// One rule: a run of "not this one? jump past the block" tests, then return the verdict.
std::vector<bpf_insn> rule_block(const spec::DeviceCgroupRule& r) {
    device_rule_string(r);  // validates type and access with the field in the error
    std::string type = r.type.value_or("a");
    int32_t acc = access_bits(r.access.value_or("rwm").empty() ? "rwm" : *r.access);
    std::vector<bpf_insn> tests;
    if (type != "a") {
        tests.push_back(jne_imm(kType, type == "b" ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0));
        // A request matches only when the rule covers every access it asks for.
        if (acc != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)) {
            tests.push_back(mov_reg(kTmp, kAccess));
            tests.push_back(alu_imm(BPF_AND, kTmp, ~acc));
            tests.push_back(jne_imm(kTmp, 0, 0));
        }
        if (r.major && *r.major >= 0) tests.push_back(jne_imm(kMajor, static_cast<int32_t>(*r.major), 0));
        if (r.minor && *r.minor >= 0) tests.push_back(jne_imm(kMinor, static_cast<int32_t>(*r.minor), 0));
    } else if (acc != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)) {
        tests.push_back(mov_reg(kTmp, kAccess));
        tests.push_back(alu_imm(BPF_AND, kTmp, ~acc));
        tests.push_back(jne_imm(kTmp, 0, 0));
    }
    // Each jump lands just after this block's two verdict instructions.
    for (size_t i = 0; i < tests.size(); ++i)
        if (tests[i].code == (BPF_JMP | BPF_JNE | BPF_K)) tests[i].off = static_cast<int16_t>(tests.size() - i - 1 + 2);
    tests.push_back(alu_imm(BPF_MOV, 0, r.allow ? 1 : 0));
    tests.push_back(exit_insn());
    return tests;
}

long bpf(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

OwnedFd load(const std::vector<bpf_insn>& prog) {
    static const char license[] = "Apache-2.0";
    bpf_attr a{};
    a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    a.insns = reinterpret_cast<uint64_t>(prog.data());
    a.insn_cnt = static_cast<uint32_t>(prog.size());
    a.license = reinterpret_cast<uint64_t>(license);
    long fd = bpf(BPF_PROG_LOAD, a);
    if (fd >= 0) return OwnedFd(static_cast<int>(fd));
    int err = errno;
    // Load again with the verifier's log, only to say why.
    std::string log(16384, '\0');
    a.log_level = 1;
    a.log_buf = reinterpret_cast<uint64_t>(log.data());
    a.log_size = static_cast<uint32_t>(log.size());
    bpf(BPF_PROG_LOAD, a);
    log.resize(std::strlen(log.c_str()));
    while (!log.empty() && log.back() == '\n') log.pop_back();
    throw Error(err, "bpf(BPF_PROG_LOAD) of the device filter", log.empty() ? "" : "(verifier: " + log + ")");
}

uint32_t prog_id(BorrowedFd prog) {
    bpf_prog_info info{};
    bpf_attr a{};
    a.info.bpf_fd = static_cast<uint32_t>(prog.get());
    a.info.info_len = sizeof info;
    a.info.info = reinterpret_cast<uint64_t>(&info);
    check(bpf(BPF_OBJ_GET_INFO_BY_FD, a), "bpf(BPF_OBJ_GET_INFO_BY_FD) of the device filter");
    return info.id;
}

std::vector<uint32_t> attached_ids(BorrowedFd cg, const std::string& dir) {
    std::vector<uint32_t> ids(64);
    bpf_attr a{};
    a.query.target_fd = static_cast<uint32_t>(cg.get());
    a.query.attach_type = BPF_CGROUP_DEVICE;
    a.query.prog_ids = reinterpret_cast<uint64_t>(ids.data());
    a.query.prog_cnt = static_cast<uint32_t>(ids.size());
    check(bpf(BPF_PROG_QUERY, a), "bpf(BPF_PROG_QUERY) on", dir);
    ids.resize(a.query.prog_cnt);
    return ids;
}

void detach(BorrowedFd cg, uint32_t id, const std::string& dir) {
    bpf_attr g{};
    g.prog_id = id;
    long fd = bpf(BPF_PROG_GET_FD_BY_ID, g);
    if (fd < 0 && errno == ENOENT) return;  // already gone
    OwnedFd prog(static_cast<int>(check(fd, "bpf(BPF_PROG_GET_FD_BY_ID) for a device filter of", dir)));
    bpf_attr d{};
    d.target_fd = static_cast<uint32_t>(cg.get());
    d.attach_bpf_fd = static_cast<uint32_t>(prog.get());
    d.attach_type = BPF_CGROUP_DEVICE;
    if (bpf(BPF_PROG_DETACH, d) < 0 && errno != ENOENT) throw Error(errno, "bpf(BPF_PROG_DETACH) on", dir);
}

}  // namespace

std::vector<bpf_insn> build_device_filter(const std::vector<spec::DeviceCgroupRule>& rules) {
    std::vector<bpf_insn> p = {
        load_ctx(kType, offsetof(bpf_cgroup_dev_ctx, access_type)),
        alu_imm(BPF_AND, kType, 0xffff),
        load_ctx(kAccess, offsetof(bpf_cgroup_dev_ctx, access_type)),
        alu_imm(BPF_RSH, kAccess, 16),
        load_ctx(kMajor, offsetof(bpf_cgroup_dev_ctx, major)),
        load_ctx(kMinor, offsetof(bpf_cgroup_dev_ctx, minor)),
    };
    for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
        auto block = rule_block(*it);
        p.insert(p.end(), block.begin(), block.end());
        // A rule for every device and access decides alone: the rules before it can never be reached, and
        // the verifier refuses unreachable instructions.
        if (block.size() == 2) return p;
    }
    p.push_back(alu_imm(BPF_MOV, 0, 0));
    p.push_back(exit_insn());
    return p;
}

void attach_device_filter(const std::string& cgroup_dir, const std::vector<bpf_insn>& prog) {
    OwnedFd cg(::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!cg.valid()) throw Error(errno, "open", cgroup_dir);
    OwnedFd p = load(prog);
    auto old = attached_ids(cg.borrow(), cgroup_dir);
    bpf_attr a{};
    a.target_fd = static_cast<uint32_t>(cg.get());
    a.attach_bpf_fd = static_cast<uint32_t>(p.get());
    a.attach_type = BPF_CGROUP_DEVICE;
    a.attach_flags = BPF_F_ALLOW_MULTI;
    check(bpf(BPF_PROG_ATTACH, a), "bpf(BPF_PROG_ATTACH) of the device filter to", cgroup_dir);
    uint32_t mine = prog_id(p.borrow());
    for (uint32_t id : old)
        if (id != mine) detach(cg.borrow(), id, cgroup_dir);
}

}  // namespace ocirt::cgroups
