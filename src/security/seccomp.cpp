// Compiles linux.seccomp to classic BPF with libseccomp (parent side) and loads it with a raw seccomp(2)
// (child side). Exporting the program lets the child avoid libseccomp entirely: no allocation, no name
// resolution and no kernel probing after clone, and flags libseccomp does not know yet
// (WAIT_KILLABLE_RECV in 2.5) still reach the kernel.
#include "security/seccomp.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include "base/error.hpp"
#include "base/log.hpp"

namespace ocirt::security {
namespace {

constexpr uint32_t kMaxErrnoRet = 0xffff;  // the SECCOMP_RET_DATA bits
constexpr unsigned kMaxArgs = 6;            // a Linux syscall has at most six arguments

struct FilterDeleter {
    void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Filter = std::unique_ptr<void, FilterDeleter>;

std::string field_of_rule(size_t i) { return "linux.seccomp.syscalls[" + std::to_string(i) + "]"; }

// Maps an SCMP_ACT_* name to libseccomp's action value. errnoRet is the ERRNO return and the TRACE message
// data; both default to EPERM, as in runc and crun.
uint32_t to_action(const std::string& name, std::optional<uint32_t> errno_ret, const std::string& field) {
    uint32_t data = errno_ret.value_or(EPERM);
    if (data > kMaxErrnoRet) throw Error(field + ": errnoRet " + std::to_string(data) + " is out of range");
    if (name == "SCMP_ACT_KILL") return SCMP_ACT_KILL;
    if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
    if (name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
    if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
    if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(data);
    if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(data);
    if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
    if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
    if (name == "SCMP_ACT_NOTIFY") return SCMP_ACT_NOTIFY;
    throw Error(field + ": unknown action \"" + name + "\"");
}

scmp_compare to_op(const std::string& op, const std::string& field) {
    static constexpr std::array<std::pair<std::string_view, scmp_compare>, 7> ops{{
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    }};
    for (const auto& [name, value] : ops)
        if (name == op) return value;
    throw Error(field + ".op: unknown operator \"" + op + "\"");
}

unsigned to_flag(const std::string& name, const std::string& field) {
    if (name == "SECCOMP_FILTER_FLAG_TSYNC") return SECCOMP_FILTER_FLAG_TSYNC;
    if (name == "SECCOMP_FILTER_FLAG_LOG") return SECCOMP_FILTER_FLAG_LOG;
    if (name == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") return SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    if (name == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") return SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    throw Error(field + ": unknown flag \"" + name + "\"");
}

// "SCMP_ARCH_X86_64" -> libseccomp's token. Well-formed names this libseccomp does not know (an architecture
// added after 2.5, such as LOONGARCH64) are skipped: they cannot be the native one, so no rule is lost.
uint32_t add_arch(void* ctx, const std::string& name, const std::string& field) {
    constexpr std::string_view prefix = "SCMP_ARCH_";
    if (!name.starts_with(prefix)) throw Error(field + ": unknown architecture \"" + name + "\"");
    std::string token = name.substr(prefix.size());
    std::transform(token.begin(), token.end(), token.begin(), [](unsigned char c) { return std::tolower(c); });
    uint32_t arch = seccomp_arch_resolve_name(token.c_str());
    if (arch == 0) {
        log::warn(field + ": architecture " + name + " is not supported by libseccomp, skipped");
        return 0;
    }
    int rc = seccomp_arch_add(ctx, arch);
    if (rc == -EDOM)  // one BPF program cannot test the arguments of both byte orders
        throw Error(field + ": " + name + " has another byte order than the native architecture");
    if (rc < 0 && rc != -EEXIST) throw Error(-rc, "seccomp_arch_add", field);
    return rc == -EEXIST ? 0 : arch;
}

std::vector<scmp_arg_cmp> to_conditions(const spec::SeccompSyscall& rule, const std::string& field) {
    std::vector<scmp_arg_cmp> out;
    for (size_t i = 0; i < rule.args.size(); ++i) {
        const auto& a = rule.args[i];
        std::string arg_field = field + ".args[" + std::to_string(i) + "]";
        if (a.index >= kMaxArgs) throw Error(arg_field + ".index: " + std::to_string(a.index) + " is not 0..5");
        out.push_back(scmp_arg_cmp{a.index, to_op(a.op, arg_field), a.value, a.valueTwo.value_or(0)});
    }
    return out;
}

// libseccomp ANDs the conditions of one rule but refuses two conditions on the same argument. Like runc and
// crun, a rule that repeats an argument index becomes one rule per condition (ORed): that is the only reading
// under which such a profile (older Docker ones have them) means something.
bool repeats_an_index(const std::vector<scmp_arg_cmp>& conds) {
    std::array<int, kMaxArgs> seen{};
    for (const auto& c : conds)
        if (++seen[c.arg] > 1) return true;
    return false;
}

void add_rule(void* ctx, uint32_t action, int nr, const std::vector<scmp_arg_cmp>& conds,
              const std::string& field) {
    auto add = [&](unsigned n, const scmp_arg_cmp* c) {
        int rc = seccomp_rule_add_array(ctx, action, nr, n, c);
        if (rc < 0) throw Error(-rc, "seccomp_rule_add", field);
    };
    if (!repeats_an_index(conds)) return add(static_cast<unsigned>(conds.size()), conds.data());
    for (const auto& c : conds) add(1, &c);
}

// Adds one entry of linux.seccomp.syscalls; returns whether it uses SCMP_ACT_NOTIFY.
bool add_syscalls(void* ctx, const spec::SeccompSyscall& rule, uint32_t default_action, size_t index) {
    const std::string field = field_of_rule(index);
    uint32_t action = to_action(rule.action, rule.errnoRet, field + ".action");
    auto conds = to_conditions(rule, field);
    // libseccomp rejects a rule that repeats the default action; it would change nothing anyway.
    if (action == default_action) return false;
    for (size_t j = 0; j < rule.names.size(); ++j) {
        const std::string& name = rule.names[j];
        int nr = seccomp_syscall_resolve_name(name.c_str());
        if (nr == __NR_SCMP_ERROR) {
            log::debug("seccomp: unknown syscall \"" + name + "\" skipped");
            continue;
        }
        add_rule(ctx, action, nr, conds, field + ".names[" + std::to_string(j) + "] (" + name + ")");
    }
    return action == SCMP_ACT_NOTIFY && !rule.names.empty();
}

std::vector<sock_filter> export_bpf(void* ctx) {
    OwnedFd mem(static_cast<int>(check(memfd_create("ocirt-seccomp", MFD_CLOEXEC), "memfd_create")));
    if (int rc = seccomp_export_bpf(ctx, mem.get()); rc < 0) throw Error(-rc, "seccomp_export_bpf");
    off_t size = check(lseek(mem.get(), 0, SEEK_END), "lseek", "seccomp memfd");
    if (size <= 0 || size % sizeof(sock_filter) != 0)
        throw Error("seccomp_export_bpf produced " + std::to_string(size) + " bytes, not a BPF program");
    std::vector<sock_filter> prog(static_cast<size_t>(size) / sizeof(sock_filter));
    ssize_t n = pread(mem.get(), prog.data(), static_cast<size_t>(size), 0);
    check(n, "pread", "seccomp memfd");
    if (n != size) throw Error("short read of the exported seccomp program");
    return prog;
}

// Syscalls newer than everything the profile names get ENOSYS instead of the default action, as runc does:
// a profile cannot have meant to refuse what it did not know, and only ENOSYS makes the C library fall back
// to an older call (clone3 -> clone, fchmodat2 -> fchmodat); EPERM would make it fail. "Newer" is "a larger
// number than any syscall of the profile on that architecture".
bool default_denies(uint32_t default_action) {
    return default_action != SCMP_ACT_ALLOW && default_action != SCMP_ACT_LOG &&
           default_action != SCMP_ACT_ERRNO(ENOSYS);
}

int highest_syscall(const spec::Seccomp& s, uint32_t arch) {
    int highest = -1;
    for (const auto& rule : s.syscalls)
        for (const auto& name : rule.names)
            highest = std::max(highest, seccomp_syscall_resolve_name_arch(arch, name.c_str()));
    return highest;  // negative numbers are libseccomp's pseudo-syscalls (socketcall-multiplexed on x86)
}

constexpr uint32_t kX32SyscallBit = 0x40000000;  // x32 shares AUDIT_ARCH_X86_64 and flags its numbers

// Prefix: per architecture, "if arch == A and nr > highest(A): return ENOSYS", then the libseccomp program,
// which reloads arch and nr itself. x32 numbers are left to the program (they would all look "newer").
std::vector<sock_filter> enosys_prefix(const spec::Seccomp& s, const std::vector<uint32_t>& arches) {
    struct Block {
        uint32_t arch;
        uint32_t highest;
    };
    std::vector<Block> blocks;
    for (uint32_t arch : arches)
        if (int h = highest_syscall(s, arch); arch != SCMP_ARCH_X32 && h >= 0)
            blocks.push_back({arch, static_cast<uint32_t>(h)});
    std::vector<sock_filter> out;
    size_t length = 1;  // the final "ja to the program"
    for (const auto& b : blocks) length += b.arch == SCMP_ARCH_X86_64 ? 5 : 4;
    const size_t enosys = length;  // index of "return ENOSYS"; the program starts right after it
    auto to = [&](size_t target) { return static_cast<uint8_t>(target - out.size() - 1); };
    for (const auto& b : blocks) {
        const size_t next = out.size() + (b.arch == SCMP_ARCH_X86_64 ? 5 : 4);
        out.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
        out.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, b.arch, 0, to(next)));
        out.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
        if (b.arch == SCMP_ARCH_X86_64)
            out.push_back(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, kX32SyscallBit, to(enosys + 1), 0));
        out.push_back(BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, b.highest, to(enosys), to(enosys + 1)));
    }
    out.push_back(BPF_STMT(BPF_JMP | BPF_JA, 1));  // no block matched: over the return, to the program
    out.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
    return out;
}

}  // namespace

SeccompProgram compile_seccomp(const spec::Seccomp& s) {
    SeccompProgram out;
    uint32_t default_action = to_action(s.defaultAction, s.defaultErrnoRet, "linux.seccomp.defaultAction");
    Filter ctx(seccomp_init(default_action));
    if (!ctx) throw Error("linux.seccomp.defaultAction: seccomp_init refused " + s.defaultAction);
    out.notify = default_action == SCMP_ACT_NOTIFY;
    std::vector<uint32_t> arches{seccomp_arch_native()};
    for (size_t i = 0; i < s.architectures.size(); ++i)
        if (uint32_t arch = add_arch(ctx.get(), s.architectures[i],
                                     "linux.seccomp.architectures[" + std::to_string(i) + "]"))
            arches.push_back(arch);
    for (size_t i = 0; i < s.flags.size(); ++i)
        out.flags |= to_flag(s.flags[i], "linux.seccomp.flags[" + std::to_string(i) + "]");
    for (size_t i = 0; i < s.syscalls.size(); ++i)
        out.notify = add_syscalls(ctx.get(), s.syscalls[i], default_action, i) || out.notify;
    // The kernel refuses WAIT_KILLABLE_RECV without a listener; it only describes how the listener waits,
    // so a profile that sets it everywhere keeps working where it has no NOTIFY rule.
    if (!out.notify && (out.flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
        log::debug("linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored without SCMP_ACT_NOTIFY");
        out.flags &= ~static_cast<unsigned>(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
    }
    if (default_denies(default_action)) out.filter = enosys_prefix(s, arches);
    auto program = export_bpf(ctx.get());
    out.filter.insert(out.filter.end(), program.begin(), program.end());
    if (out.filter.size() > BPF_MAXINSNS)
        throw Error("linux.seccomp: the compiled filter has " + std::to_string(out.filter.size()) +
                    " instructions, the kernel accepts at most " + std::to_string(BPF_MAXINSNS));
    return out;
}

OwnedFd load_seccomp(const SeccompProgram& p) {
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(p.filter.size());
    prog.filter = const_cast<sock_filter*>(p.filter.data());
    unsigned long flags = p.flags;
    if (p.notify) {
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        // The kernel refuses TSYNC together with a listener unless a failed sync is reported as ESRCH
        // (it could not otherwise tell which thread's id the return value is).
        if (flags & SECCOMP_FILTER_FLAG_TSYNC) flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    check(rc, "seccomp(SECCOMP_SET_MODE_FILTER)", "linux.seccomp");
    // The kernel creates the listener with O_CLOEXEC.
    return p.notify ? OwnedFd(static_cast<int>(rc)) : OwnedFd();
}

}  // namespace ocirt::security
