#include "checker.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ocv {

namespace {

// TAP descriptions must stay on one line and must not start a directive.
std::string clean(const std::string& s) {
    std::string out;
    for (char c : s) out += (c == '\n' || c == '#') ? ' ' : c;
    return out;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

void Tap::ok(const std::string& name) { std::printf("ok %d - %s\n", ++count_, clean(name).c_str()); }

void Tap::fail(const std::string& name, const std::string& expected, const std::string& got) {
    std::printf("not ok %d - %s # expected %s got %s\n", ++count_, clean(name).c_str(),
                clean(expected).c_str(), clean(got).c_str());
}

void Tap::skip(const std::string& name, const std::string& why) {
    std::printf("ok %d - %s # SKIP %s\n", ++count_, clean(name).c_str(), clean(why).c_str());
}

void Tap::eq(const std::string& name, const std::string& expected, const std::string& got) {
    truth(name, expected == got, "'" + expected + "'", "'" + got + "'");
}

void Tap::eq(const std::string& name, long long expected, long long got) {
    truth(name, expected == got, std::to_string(expected), std::to_string(got));
}

void Tap::truth(const std::string& name, bool passed, const std::string& expected, const std::string& got) {
    if (passed)
        ok(name);
    else
        fail(name, expected, got);
}

void Tap::finish() const {
    std::printf("1..%d\n", count_);
    std::fflush(stdout);
}

const Json* member(const Json* v, const char* key) {
    if (v == nullptr || !v->IsObject()) return nullptr;
    auto it = v->FindMember(key);
    return it == v->MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> str(const Json* v, const char* key) {
    const Json* m = member(v, key);
    if (m == nullptr || !m->IsString()) return std::nullopt;
    return std::string(m->GetString(), m->GetStringLength());
}

std::optional<long long> integer(const Json* v, const char* key) {
    const Json* m = member(v, key);
    if (m == nullptr || !m->IsInt64()) return std::nullopt;
    return m->GetInt64();
}

std::optional<unsigned long long> uinteger(const Json* v, const char* key) {
    const Json* m = member(v, key);
    if (m == nullptr || !m->IsUint64()) return std::nullopt;
    return m->GetUint64();
}

std::optional<bool> boolean(const Json* v, const char* key) {
    const Json* m = member(v, key);
    if (m == nullptr || !m->IsBool()) return std::nullopt;
    return m->GetBool();
}

std::vector<std::string> strings(const Json* v, const char* key) {
    std::vector<std::string> out;
    const Json* m = member(v, key);
    if (m == nullptr || !m->IsArray()) return out;
    for (const auto& e : m->GetArray())
        if (e.IsString()) out.emplace_back(e.GetString(), e.GetStringLength());
    return out;
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return ss.str();
}

std::string trim(const std::string& s) {
    const char* ws = " \t\n\r";
    size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    return out;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
    return out;
}

std::optional<std::string> status_field(const std::string& key) {
    auto text = read_file("/proc/self/status");
    if (!text) return std::nullopt;
    for (const auto& line : split(*text, '\n'))
        if (line.rfind(key + ":", 0) == 0) return trim(line.substr(key.size() + 1));
    return std::nullopt;
}

std::string errno_name(int err) {
    switch (err) {
        case 0: return "success";
        case EPERM: return "EPERM";
        case EACCES: return "EACCES";
        case ENOENT: return "ENOENT";
        case EROFS: return "EROFS";
        case ENOSYS: return "ENOSYS";
        case ENOSPC: return "ENOSPC";
        default: return std::string("errno ") + std::to_string(err) + " (" + std::strerror(err) + ")";
    }
}

std::vector<MountEntry> read_mountinfo() {
    std::vector<MountEntry> out;
    auto text = read_file("/proc/self/mountinfo");
    if (!text) return out;
    for (const auto& line : split(*text, '\n')) {
        std::istringstream in(line);
        std::vector<std::string> f;
        for (std::string w; in >> w;) f.push_back(w);
        size_t dash = 6;
        while (dash < f.size() && f[dash] != "-") ++dash;
        if (dash + 2 >= f.size()) continue;
        MountEntry m;
        m.id = std::stoi(f[0]);
        m.parent = std::stoi(f[1]);
        m.root = unescape(f[3]);
        m.point = unescape(f[4]);
        m.mount_opts = split(f[5], ',');
        m.optional.assign(f.begin() + 6, f.begin() + static_cast<long>(dash));
        m.fstype = f[dash + 1];
        m.source = unescape(f[dash + 2]);
        if (dash + 3 < f.size()) m.super_opts = split(f[dash + 3], ',');
        out.push_back(std::move(m));
    }
    return out;
}

const MountEntry* find_mount(const std::vector<MountEntry>& mounts, const std::string& point) {
    const MountEntry* found = nullptr;
    for (const auto& m : mounts)
        if (m.point == point) found = &m;
    return found;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
    for (const auto& s : list)
        if (s == item) return true;
    return false;
}

}  // namespace ocv
