#include "process/rlimits.hpp"

#include <cerrno>
#include <cstring>
#include <string_view>

#include "base/error.hpp"

namespace ocirt::process {
namespace {

struct Name {
    const char* name;
    int resource;
};

constexpr Name kNames[] = {
    {"RLIMIT_AS", RLIMIT_AS},         {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},     {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME},   {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

const char* name_of(int resource) {
    for (const auto& n : kNames)
        if (n.resource == resource) return n.name;
    return "?";
}

}  // namespace

std::vector<Rlimit> resolve_rlimits(const std::vector<spec::Rlimit>& in) {
    std::vector<Rlimit> out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        int res = -1;
        for (const auto& n : kNames)
            if (in[i].type == n.name) res = n.resource;
        if (res < 0)
            throw Error("process.rlimits[" + std::to_string(i) + "].type: unknown rlimit \"" + in[i].type + "\"");
        out.push_back({res, {in[i].soft, in[i].hard}});
    }
    return out;
}

void apply_rlimits(const std::vector<Rlimit>& r) {
    for (const auto& l : r)
        if (::setrlimit(l.resource, &l.value) < 0)
            throw Error(errno, "setrlimit", name_of(l.resource)).context("process.rlimits");
}

}  // namespace ocirt::process
