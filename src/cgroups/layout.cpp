#include "cgroups/layout.hpp"

#include <algorithm>
#include <array>
#include <sstream>

#include "base/error.hpp"
#include "cgroups/fs.hpp"
#include "sys/mountinfo.hpp"

namespace ocirt::cgroups {

namespace {

constexpr std::array kControllers = {"cpu",    "cpuacct", "cpuset",     "memory", "devices", "freezer",
                                     "net_cls", "net_prio", "blkio",    "perf_event", "hugetlb", "pids",
                                     "rdma",   "misc"};

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t p = s.find(sep, start);
        out.emplace_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
        if (p == std::string_view::npos) break;
        start = p + 1;
    }
    return out;
}

// mountinfo escapes blanks in paths as \040 and so on.
std::string unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        bool octal = s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3';
        if (octal) {
            int v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
            out.push_back(static_cast<char>(v));
            i += 3;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::vector<std::string> controllers_of(std::string_view super_opts) {
    std::vector<std::string> out;
    for (auto& o : split(super_opts, ',')) {
        bool known = std::find(kControllers.begin(), kControllers.end(), o) != kControllers.end();
        if (known || o.starts_with("name=")) out.push_back(o);
    }
    return out;
}

}  // namespace

Mode Layout::mode() const {
    if (v1.empty()) return Mode::unified;
    return unified ? Mode::hybrid : Mode::legacy;
}

const Hierarchy* Layout::find_v1(std::string_view controller) const {
    for (const auto& h : v1)
        if (std::find(h.controllers.begin(), h.controllers.end(), controller) != h.controllers.end()) return &h;
    return nullptr;
}

Layout parse_mountinfo(std::string_view text) {
    Layout l;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        // "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices"
        auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        auto pre = split(std::string_view(line).substr(0, dash), ' ');
        auto post = split(std::string_view(line).substr(dash + 3), ' ');
        if (pre.size() < 5 || post.size() < 3) continue;
        Hierarchy h{unescape(pre[4]), unescape(pre[3]), {}};
        if (post[0] == "cgroup2") {
            if (!l.unified) l.unified = h;
        } else if (post[0] == "cgroup") {
            h.controllers = controllers_of(post[2]);
            // A hierarchy mounted twice is used at its first mount point.
            bool seen = !h.controllers.empty() && l.find_v1(h.controllers.front()) != nullptr;
            if (!h.controllers.empty() && !seen) l.v1.push_back(std::move(h));
        }
    }
    return l;
}

std::map<std::string, std::string> parse_proc_cgroup(std::string_view text) {
    std::map<std::string, std::string> out;
    for (auto& line : split(text, '\n')) {
        // "4:memory:/a/b", "0::/a"
        auto c1 = line.find(':');
        auto c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string::npos) continue;
        out[line.substr(c1 + 1, c2 - c1 - 1)] = line.substr(c2 + 1);
    }
    return out;
}

Layout detect_layout() {
    Layout l = parse_mountinfo(sys::self_mountinfo());
    if (l.v1.empty() && !l.unified) throw Error("no cgroup hierarchy is mounted (see /proc/self/mountinfo)");
    return l;
}

std::map<std::string, std::string> own_cgroups() { return parse_proc_cgroup(read_file("/proc/self/cgroup")); }

std::string clean_path(std::string_view p) {
    std::vector<std::string> parts;
    for (auto& s : split(p, '/')) {
        if (s.empty() || s == ".") continue;
        if (s == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(s);
    }
    std::string out;
    for (auto& s : parts) out += "/" + s;
    return out.empty() ? "/" : out;
}

std::string resolve_cgroup_path(std::string_view cgroups_path, std::string_view id, std::string_view own) {
    if (cgroups_path.starts_with('/')) return clean_path(cgroups_path);
    std::string rel(cgroups_path.empty() ? id : cgroups_path);
    return clean_path(std::string(own) + "/" + rel);
}

std::string host_dir(const Hierarchy& h, std::string_view cg) {
    std::string c = clean_path(cg);
    std::string root = clean_path(h.root);
    // A mount of a sub-tree (inside a cgroup namespace, or a bind) shows paths below its root only.
    if (root != "/" && (c == root || c.starts_with(root + "/"))) c = clean_path(c.substr(root.size()));
    return c == "/" ? h.mount_point : h.mount_point + c;
}

std::string own_cgroup_in(const Hierarchy& h, const std::map<std::string, std::string>& own) {
    std::string key;
    for (const auto& c : h.controllers) key += (key.empty() ? "" : ",") + c;
    if (auto it = own.find(key); it != own.end()) return it->second;
    // The kernel lists co-mounted controllers in its own order; match on any one of them.
    for (const auto& [k, v] : own)
        for (auto& c : split(k, ','))
            if (!h.controllers.empty() && c == h.controllers.front()) return v;
    return "/";
}

}  // namespace ocirt::cgroups
