// mount(8) options -> MS_* flags, propagation, recursive mount_setattr attributes and the data string.
#include <sys/mount.h>

#include <array>
#include <string_view>

#include "rootfs/internal.hpp"
#include "rootfs/plan.hpp"

namespace ocirt::rootfs {
namespace {

struct FlagOption {
    std::string_view name;
    bool clear;
    unsigned long flag;
};

constexpr std::array<FlagOption, 36> kFlags{{
    {"defaults", false, 0},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"suid", true, MS_NOSUID},
    {"nosuid", false, MS_NOSUID},
    {"dev", true, MS_NODEV},
    {"nodev", false, MS_NODEV},
    {"exec", true, MS_NOEXEC},
    {"noexec", false, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME},
    {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME},
    {"nodiratime", false, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},
    {"nolazytime", true, MS_LAZYTIME},
    {"silent", false, MS_SILENT},
    {"loud", true, MS_SILENT},
    {"iversion", false, MS_I_VERSION},
    {"noiversion", true, MS_I_VERSION},
    {"symfollow", true, MS_NOSYMFOLLOW},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"bind", false, MS_BIND},
    {"rbind", false, MS_BIND | MS_REC},
    // runc's tmpcopyup: no mount flag, parse_options records it as Options::copy_up.
    {"tmpcopyup", false, 0},
    {"auto", false, 0},
    {"noauto", false, 0},
}};

struct PropagationOption {
    std::string_view name;
    unsigned long flags;
};

constexpr std::array<PropagationOption, 8> kPropagation{{
    {"private", MS_PRIVATE},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},
    {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},
    {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE},
    {"runbindable", MS_UNBINDABLE | MS_REC},
}};

struct RecursiveOption {
    std::string_view name;
    bool clear;
    uint64_t attr;
};

constexpr std::array<RecursiveOption, 18> kRecursive{{
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
    // The atime modes are one field: setting one replaces the others (MOUNT_ATTR__ATIME is cleared first).
    {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
    // As with mount(2), leaving noatime/strictatime/relatime means the kernel's default, relatime.
    {"rnorelatime", false, MOUNT_ATTR_RELATIME},
    {"rnostrictatime", false, MOUNT_ATTR_RELATIME},
    {"ratime", false, MOUNT_ATTR_RELATIME},
}};

bool is_atime(uint64_t attr) {
    return attr == MOUNT_ATTR_RELATIME || attr == MOUNT_ATTR_NOATIME || attr == MOUNT_ATTR_STRICTATIME;
}

bool apply_flag(Options& o, std::string_view opt) {
    for (const auto& f : kFlags) {
        if (f.name != opt) continue;
        if (f.clear) {
            o.flags &= ~f.flag;
            o.cleared |= f.flag;
        } else {
            o.flags |= f.flag;
            o.cleared &= ~f.flag;
        }
        return true;
    }
    return false;
}

bool apply_propagation(Options& o, std::string_view opt) {
    for (const auto& p : kPropagation) {
        if (p.name != opt) continue;
        o.propagation = p.flags;
        return true;
    }
    return false;
}

bool apply_recursive(Options& o, std::string_view opt) {
    for (const auto& r : kRecursive) {
        if (r.name != opt) continue;
        if (is_atime(r.attr)) {
            o.recursive.clr |= MOUNT_ATTR__ATIME;
            o.recursive.set = (o.recursive.set & ~MOUNT_ATTR__ATIME) | r.attr;
        } else if (r.clear) {
            o.recursive.clr |= r.attr;
            o.recursive.set &= ~r.attr;
        } else {
            o.recursive.set |= r.attr;
            o.recursive.clr &= ~r.attr;
        }
        return true;
    }
    return false;
}

}  // namespace

std::string detail::ms_names(unsigned long flags) {
    struct Name {
        unsigned long flag;
        const char* name;
    };
    static constexpr Name names[] = {
        {MS_RDONLY, "MS_RDONLY"},       {MS_NOSUID, "MS_NOSUID"},         {MS_NODEV, "MS_NODEV"},
        {MS_NOEXEC, "MS_NOEXEC"},       {MS_SYNCHRONOUS, "MS_SYNCHRONOUS"}, {MS_REMOUNT, "MS_REMOUNT"},
        {MS_MANDLOCK, "MS_MANDLOCK"},   {MS_DIRSYNC, "MS_DIRSYNC"},       {MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW"},
        {MS_NOATIME, "MS_NOATIME"},     {MS_NODIRATIME, "MS_NODIRATIME"}, {MS_BIND, "MS_BIND"},
        {MS_MOVE, "MS_MOVE"},           {MS_REC, "MS_REC"},               {MS_SILENT, "MS_SILENT"},
        {MS_UNBINDABLE, "MS_UNBINDABLE"}, {MS_PRIVATE, "MS_PRIVATE"},     {MS_SLAVE, "MS_SLAVE"},
        {MS_SHARED, "MS_SHARED"},       {MS_RELATIME, "MS_RELATIME"},     {MS_I_VERSION, "MS_I_VERSION"},
        {MS_STRICTATIME, "MS_STRICTATIME"}, {MS_LAZYTIME, "MS_LAZYTIME"},
    };
    std::string out;
    for (const auto& n : names) {
        if (!(flags & n.flag)) continue;
        if (!out.empty()) out += '|';
        out += n.name;
    }
    return out.empty() ? "0" : out;
}

std::string detail::attr_names(uint64_t attrs) {
    struct Name {
        uint64_t attr;
        const char* name;
    };
    static constexpr Name names[] = {
        {MOUNT_ATTR_RDONLY, "RDONLY"},         {MOUNT_ATTR_NOSUID, "NOSUID"}, {MOUNT_ATTR_NODEV, "NODEV"},
        {MOUNT_ATTR_NOEXEC, "NOEXEC"},         {MOUNT_ATTR_NOATIME, "NOATIME"},
        {MOUNT_ATTR_STRICTATIME, "STRICTATIME"}, {MOUNT_ATTR_NODIRATIME, "NODIRATIME"},
        {MOUNT_ATTR_IDMAP, "IDMAP"},           {MOUNT_ATTR_NOSYMFOLLOW, "NOSYMFOLLOW"},
    };
    std::string out;
    for (const auto& n : names) {
        if (!(attrs & n.attr)) continue;
        if (!out.empty()) out += '|';
        out += n.name;
    }
    return out.empty() ? "0" : out;
}

std::vector<std::string> known_mount_options() {
    std::vector<std::string> out;
    for (const auto& f : kFlags) out.emplace_back(f.name);
    for (const auto& p : kPropagation) out.emplace_back(p.name);
    for (const auto& r : kRecursive) out.emplace_back(r.name);
    out.emplace_back("idmap");
    out.emplace_back("ridmap");
    return out;
}

Options parse_options(const std::vector<std::string>& opts) {
    Options o;
    for (const auto& opt : opts) {
        if (opt == "tmpcopyup") o.copy_up = true;
        if (apply_flag(o, opt) || apply_propagation(o, opt) || apply_recursive(o, opt)) continue;
        if (opt == "idmap" || opt == "ridmap") {
            o.idmap = true;
            o.idmap_recursive = opt == "ridmap";
            continue;
        }
        if (!o.data.empty()) o.data += ',';
        o.data += opt;
    }
    return o;
}

}  // namespace ocirt::rootfs
