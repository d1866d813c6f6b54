// The top of config.json (root, mounts, hooks, annotations) and the entry points; the process and linux
// objects are read in parse_process.cpp, parse_linux.cpp and parse_resources.cpp.
#include "spec/parse.hpp"

#include <rapidjson/error/en.h>

#include <cstdio>

#include "base/error.hpp"
#include "spec/parse_internal.hpp"

namespace ocirt::spec {

namespace json {

void Path::append_to(std::string& out) const {
    if (parent_) parent_->append_to(out);
    switch (kind_) {
    case Kind::root:
        break;
    case Kind::field:
        if (!out.empty()) out += '.';
        out += name_;
        break;
    case Kind::index:
        out += '[';
        out += std::to_string(index_);
        out += ']';
        break;
    case Kind::key:
        out += "[\"";
        out += name_;
        out += "\"]";
        break;
    }
}

std::string Path::str() const {
    std::string out;
    append_to(out);
    return out.empty() ? std::string("(document)") : out;
}

void Path::fail(std::string_view problem) const { throw Error(str() + ": " + std::string(problem)); }

void fail_range(const Path& p, const Value& v, long double lo, long double hi) {
    char buf[160];
    if (v.IsInt64())
        snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v.GetInt64()));
    else if (v.IsUint64())
        snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v.GetUint64()));
    else
        snprintf(buf, sizeof buf, "%.15g", v.GetDouble());
    std::string msg = std::string(buf) + " is out of range";
    snprintf(buf, sizeof buf, " (%.0Lf to %.0Lf)", lo, hi);
    p.fail(msg + buf);
}

void parse_document(rapidjson::Document& doc, std::string_view text) {
    doc.Parse(text.data(), text.size());
    if (!doc.HasParseError()) return;
    size_t off = doc.GetErrorOffset();
    size_t line = 1, col = 1;
    for (size_t i = 0; i < off && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    throw Error("invalid JSON at offset " + std::to_string(off) + " (line " + std::to_string(line) + ", column " +
                std::to_string(col) + "): " + rapidjson::GetParseError_En(doc.GetParseError()));
}

}  // namespace json

using json::Object;
using json::Path;
using json::Value;

void read_into(const Value& v, const Path& p, IdMapping& out) {
    Object o(v, p);
    o.get("containerID", out.containerID);
    o.get("hostID", out.hostID);
    o.get("size", out.size);
}

static void read_into(const Value& v, const Path& p, Root& out) {
    Object o(v, p);
    o.get("path", out.path);
    o.get("readonly", out.readonly);
}

static void read_into(const Value& v, const Path& p, Mount& out) {
    Object o(v, p);
    o.get("destination", out.destination);
    o.get("source", out.source);
    o.get("type", out.type);
    o.get("options", out.options);
    o.get("uidMappings", out.uidMappings);
    o.get("gidMappings", out.gidMappings);
}

static void read_into(const Value& v, const Path& p, Hook& out) {
    Object o(v, p);
    o.get("path", out.path);
    o.get("args", out.args);
    o.get("env", out.env);
    o.get("timeout", out.timeout);
}

static void read_into(const Value& v, const Path& p, Hooks& out) {
    Object o(v, p);
    o.get("prestart", out.prestart);
    o.get("createRuntime", out.createRuntime);
    o.get("createContainer", out.createContainer);
    o.get("startContainer", out.startContainer);
    o.get("poststart", out.poststart);
    o.get("poststop", out.poststop);
}

static void read_into(const Value& v, const Path& p, Config& out) {
    Object o(v, p);
    o.get("ociVersion", out.ociVersion);
    o.get("root", out.root);
    o.get("mounts", out.mounts);
    o.get("process", out.process);
    o.get("hostname", out.hostname);
    o.get("domainname", out.domainname);
    o.get("hooks", out.hooks);
    o.get("annotations", out.annotations);
    o.get("linux", out.linux_);
}

template <class T>
static T parse_whole(std::string_view text) {
    rapidjson::Document doc;
    json::parse_document(doc, text);
    T out;
    json::read(doc, Path(), out);
    return out;
}

Config parse_config(std::string_view text) { return parse_whole<Config>(text); }

Process parse_process(std::string_view text) { return parse_whole<Process>(text); }

Resources parse_resources(std::string_view text) { return parse_whole<Resources>(text); }

}  // namespace ocirt::spec
