// The small controllers: hugetlb, net_cls, net_prio, rdma, and v2's unified key/values.
#include <string>

#include "base/error.hpp"
#include "cgroups/controllers.hpp"

namespace ocirt::cgroups {

namespace {

void check_page_size(const Dir& d, const std::string& size, const std::string& probe) {
    if (!d.has(probe))
        throw Error("linux.resources.hugepageLimits: page size \"" + size + "\" is not supported by this host (" +
                    d.file(probe) + " does not exist)");
}

std::string rdma_line(const std::string& dev, const spec::Rdma& r) {
    std::string line = dev;
    if (r.hcaHandles) line += " hca_handle=" + std::to_string(*r.hcaHandles);
    if (r.hcaObjects) line += " hca_object=" + std::to_string(*r.hcaObjects);
    return line;
}

void write_rdma(const Dir& d, const std::map<std::string, spec::Rdma>& rdma) {
    for (const auto& [dev, r] : rdma) {
        if (!r.hcaHandles && !r.hcaObjects)
            throw Error("linux.resources.rdma[\"" + dev + "\"]: needs hcaHandles or hcaObjects");
        d.write("rdma.max", rdma_line(dev, r), "linux.resources.rdma[\"" + dev + "\"]");
    }
}

}  // namespace

uint64_t parse_page_size(const std::string& s) {
    size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    std::string unit = s.substr(i);
    uint64_t n = i == 0 ? 0 : std::stoull(s.substr(0, i));
    static const std::pair<const char*, int> units[] = {{"B", 0}, {"KB", 10}, {"MB", 20}, {"GB", 30}, {"TB", 40}};
    for (const auto& [u, shift] : units)
        if (unit == u && n != 0) return n << shift;
    throw Error("linux.resources.hugepageLimits: pageSize \"" + s + "\" is not <number>KB|MB|GB");
}

namespace v1 {

void apply_hugetlb(const Dir& d, const std::vector<spec::HugepageLimit>& limits) {
    for (const auto& l : limits) {
        parse_page_size(l.pageSize);
        std::string plain = "hugetlb." + l.pageSize + ".limit_in_bytes";
        std::string rsvd = "hugetlb." + l.pageSize + ".rsvd.limit_in_bytes";
        check_page_size(d, l.pageSize, plain);
        std::string v = std::to_string(l.limit);
        d.write(plain, v, "linux.resources.hugepageLimits[" + l.pageSize + "]");
        // Reservation accounting where the kernel has it, as the spec prefers.
        if (d.has(rsvd)) d.write(rsvd, v, "linux.resources.hugepageLimits[" + l.pageSize + "]");
    }
}

void apply_net_cls(const Dir& d, const spec::Network& n) {
    if (n.classID) d.write("net_cls.classid", std::to_string(*n.classID), "linux.resources.network.classID");
}

void apply_net_prio(const Dir& d, const spec::Network& n) {
    for (const auto& p : n.priorities)
        d.write("net_prio.ifpriomap", p.name + " " + std::to_string(p.priority),
                "linux.resources.network.priorities[" + p.name + "]");
}

void apply_rdma(const Dir& d, const std::map<std::string, spec::Rdma>& rdma) { write_rdma(d, rdma); }

}  // namespace v1

namespace v2 {

void apply_hugetlb(const Dir& d, const std::vector<spec::HugepageLimit>& limits) {
    for (const auto& l : limits) {
        parse_page_size(l.pageSize);
        std::string plain = "hugetlb." + l.pageSize + ".max";
        std::string rsvd = "hugetlb." + l.pageSize + ".rsvd.max";
        check_page_size(d, l.pageSize, plain);
        std::string v = std::to_string(l.limit);
        d.write(plain, v, "linux.resources.hugepageLimits[" + l.pageSize + "]");
        if (d.has(rsvd)) d.write(rsvd, v, "linux.resources.hugepageLimits[" + l.pageSize + "]");
    }
}

void apply_rdma(const Dir& d, const std::map<std::string, spec::Rdma>& rdma) { write_rdma(d, rdma); }

void apply_unified(const Dir& d, const std::map<std::string, std::string>& unified) {
    for (const auto& [key, value] : unified) {
        std::string f = "linux.resources.unified[\"" + key + "\"]";
        // A key names a file of this cgroup, never a path elsewhere.
        if (key.empty() || key.find('/') != std::string::npos || key.starts_with("."))
            throw Error(f + ": not a cgroup file name");
        d.write(key, value, f);
    }
}

void reject_network(const spec::Network& n) {
    if (n.classID) throw Error("linux.resources.network.classID: net_cls does not exist on cgroup v2");
    if (!n.priorities.empty())
        throw Error("linux.resources.network.priorities: net_prio does not exist on cgroup v2");
}

}  // namespace v2

}  // namespace ocirt::cgroups
