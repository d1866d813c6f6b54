#include "spec/schema_validate.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/internal/regex.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <memory>
#include <set>

#include "base/error.hpp"

namespace ocirt::spec {

namespace rj = rapidjson;

namespace {

// Every embedded schema, parsed, and compiled on first use. It is also the provider that resolves a
// reference into another schema file ("config.schema.json#/definitions/Process").
class SchemaSet : public rj::IRemoteSchemaDocumentProvider {
public:
    struct Entry {
        std::string name;
        rj::Document json;
        std::unique_ptr<rj::SchemaDocument> compiled;
    };

    SchemaSet() {
        for (std::string_view name : embedded_schema_names()) {
            auto e = std::make_unique<Entry>();
            e->name = name;
            std::string_view text = embedded_schema(name);
            e->json.Parse(text.data(), text.size());
            if (e->json.HasParseError()) throw Error("embedded schema " + e->name + " is not valid JSON");
            entries_.push_back(std::move(e));
        }
    }

    Entry& entry(std::string_view name) {
        for (auto& e : entries_)
            if (e->name == name) return *e;
        throw Error("no embedded schema named \"" + std::string(name) + "\"");
    }

    const rj::SchemaDocument* GetRemoteDocument(const char* uri, rj::SizeType length) override {
        // RapidJSON 1.1.0 passes the part before '#' one character short ("config.schema.jso"), so a name
        // also matches when only its last character is missing.
        std::string_view u(uri, length);
        for (auto& e : entries_) {
            std::string_view n = e->name;
            if (n == u || (n.size() == u.size() + 1 && n.substr(0, u.size()) == u)) return &compile(*e);
        }
        return nullptr;
    }

    rj::SchemaDocument& compile(Entry& e) {
        if (!e.compiled) e.compiled = std::make_unique<rj::SchemaDocument>(e.json, this);
        return *e.compiled;
    }

private:
    std::vector<std::unique_ptr<Entry>> entries_;
};

// A place in one of the schema files: which file, where in it, and the schema object found there.
struct Where {
    SchemaSet::Entry* file;
    rj::Pointer ptr;
    const rj::Value* node;
};

rj::Pointer append(const rj::Pointer& p, std::string_view token) {
    return p.Append(token.data(), static_cast<rj::SizeType>(token.size()));
}

std::string uri_fragment(const rj::Pointer& p) {
    rj::StringBuffer sb;
    p.StringifyUriFragment(sb);
    return sb.GetString();
}

std::string describe(const Where& w) { return w.file->name + uri_fragment(w.ptr); }

// RFC 6901 escaping of one reference token of a document pointer.
std::string escape_token(std::string_view token) {
    std::string out;
    for (char c : token) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

std::string render(const rj::Value& v) {
    if (v.IsObject()) return "an object";
    if (v.IsArray()) return "an array";
    rj::StringBuffer sb;
    rj::Writer<rj::StringBuffer> w(sb);
    v.Accept(w);
    std::string s = sb.GetString();
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

std::string type_name(const rj::Value& v) {
    switch (v.GetType()) {
    case rj::kNullType: return "null";
    case rj::kFalseType:
    case rj::kTrueType: return "boolean";
    case rj::kObjectType: return "object";
    case rj::kArrayType: return "array";
    case rj::kStringType: return "string";
    case rj::kNumberType: return v.IsInt64() || v.IsUint64() ? "integer" : "number";
    }
    return "unknown";
}

std::string string_of(const rj::Value& v) { return v.IsString() ? v.GetString() : render(v); }

// The values of an enum as JSON: "pid", "network", ...
std::string join_values(const rj::Value& list) {
    if (!list.IsArray()) return render(list);
    std::string out;
    for (const auto& item : list.GetArray()) out += (out.empty() ? "" : ", ") + render(item);
    return out;
}

// The names of a "type": string, or "array or null".
std::string join_types(const rj::Value& types) {
    if (!types.IsArray()) return string_of(types);
    std::string out;
    for (rj::SizeType i = 0; i < types.Size(); i++)
        out += (i == 0 ? "" : i + 1 == types.Size() ? " or " : ", ") + string_of(types[i]);
    return out;
}

const rj::Value* member(const rj::Value& obj, const char* name) {
    auto it = obj.FindMember(name);
    return it == obj.MemberEnd() ? nullptr : &it->value;
}

bool pattern_matches(const char* pattern, const char* text) {
    // The same engine RapidJSON's validator uses for "pattern" and "patternProperties", so the walk picks
    // exactly the sub-schemas the validator applied.
    rj::internal::Regex re(pattern);
    return re.IsValid() && re.Search(text);
}

class Walker {
public:
    explicit Walker(SchemaSet& set) : set_(set) {}

    void walk(const rj::Value& v, const std::string& at, Where w);
    std::vector<SchemaViolation> take() { return std::move(out_); }

private:
    Where resolve(Where w);
    bool passes(const rj::Value& v, const Where& w, std::string* failed_keyword = nullptr);
    bool keywords_pass(const rj::Value& v, const Where& w, std::initializer_list<const char*> keywords);
    bool check_keywords(const rj::Value& v, const std::string& at, const Where& w);
    void check_object_keywords(const rj::Value& v, const std::string& at, const Where& w);
    void walk_children(const rj::Value& v, const std::string& at, const Where& w);
    void report(const std::string& at, std::string message);

    SchemaSet& set_;
    std::vector<SchemaViolation> out_;
    std::set<std::pair<std::string, std::string>> seen_;
};

void Walker::report(const std::string& at, std::string message) {
    if (seen_.emplace(at, message).second) out_.push_back({at, std::move(message)});
}

// Follows "$ref" ("#/..." in the same file, "file#/..." in another) to a schema object.
Where Walker::resolve(Where w) {
    for (int hops = 0; hops < 32; hops++) {
        if (!w.node->IsObject()) throw Error("schema " + describe(w) + " is not an object");
        const rj::Value* ref = member(*w.node, "$ref");
        if (!ref) return w;
        if (!ref->IsString()) throw Error("schema " + describe(w) + ": $ref is not a string");
        std::string_view s(ref->GetString(), ref->GetStringLength());
        size_t hash = s.find('#');
        if (hash == std::string_view::npos) throw Error("schema " + describe(w) + ": $ref without #");
        if (hash > 0) w.file = &set_.entry(s.substr(0, hash));
        std::string_view frag = s.substr(hash);
        w.ptr = rj::Pointer(frag.data(), frag.size());
        w.node = w.ptr.IsValid() ? w.ptr.Get(w.file->json) : nullptr;
        if (!w.node) throw Error("schema $ref \"" + std::string(s) + "\" does not resolve");
    }
    throw Error("schema " + describe(w) + ": $ref chain too long");
}

// Judges v against the sub-schema at w with RapidJSON: a one-line schema that refers to it, so that the
// sub-schema's own references still resolve inside its file.
bool Walker::passes(const rj::Value& v, const Where& w, std::string* failed_keyword) {
    rj::Document tiny;
    tiny.SetObject();
    std::string ref = describe(w);
    tiny.AddMember("$ref", rj::Value(ref.c_str(), tiny.GetAllocator()), tiny.GetAllocator());
    rj::SchemaDocument schema(tiny, &set_);
    rj::SchemaValidator validator(schema);
    bool ok = v.Accept(validator);
    if (!ok && failed_keyword) *failed_keyword = validator.GetInvalidSchemaKeyword();
    return ok;
}

// Makes "#/..." references name their file ("config.schema.json#/..."), so that a copied part of a schema
// can be compiled on its own.
void name_the_file_in_refs(rj::Value& v, const std::string& file, rj::Document::AllocatorType& a) {
    if (v.IsObject()) {
        for (auto& m : v.GetObject()) {
            bool local_ref = std::string_view(m.name.GetString()) == "$ref" && m.value.IsString() &&
                             m.value.GetString()[0] == '#';
            if (local_ref)
                m.value.SetString((file + m.value.GetString()).c_str(), a);
            else
                name_the_file_in_refs(m.value, file, a);
        }
    } else if (v.IsArray()) {
        for (auto& item : v.GetArray()) name_the_file_in_refs(item, file, a);
    }
}

bool Walker::keywords_pass(const rj::Value& v, const Where& w, std::initializer_list<const char*> keywords) {
    rj::Document one;
    one.SetObject();
    for (const char* k : keywords) {
        const rj::Value* value = member(*w.node, k);
        if (!value) continue;
        rj::Value copy(*value, one.GetAllocator());
        name_the_file_in_refs(copy, w.file->name, one.GetAllocator());
        one.AddMember(rj::StringRef(k), copy, one.GetAllocator());
    }
    rj::SchemaDocument schema(one, &set_);
    rj::SchemaValidator validator(schema);
    return v.Accept(validator);
}

void Walker::walk(const rj::Value& v, const std::string& at, Where w) {
    w = resolve(std::move(w));
    if (passes(v, w)) return;
    size_t before = out_.size();
    if (check_keywords(v, at, w)) walk_children(v, at, w);
    if (out_.size() == before) {
        std::string keyword;
        passes(v, w, &keyword);
        report(at, "violates \"" + keyword + "\" of " + describe(w));
    }
}

std::string detail(const rj::Value& s) {
    const rj::Value* d = member(s, "description");
    return d && d->IsString() ? std::string(" (") + d->GetString() + ")" : "";
}

std::string bound_message(const rj::Value& v, const rj::Value& s, bool lower) {
    const char* excl = lower ? "exclusiveMinimum" : "exclusiveMaximum";
    const rj::Value* e = member(s, excl);
    bool exclusive = e && e->IsBool() && e->GetBool();
    std::string bound = render(s[lower ? "minimum" : "maximum"]);
    if (lower) return render(v) + (exclusive ? " is not greater than " : " is less than the minimum ") + bound;
    return render(v) + (exclusive ? " is not less than " : " is greater than the maximum ") + bound;
}

std::string keyword_message(const char* k, const rj::Value& v, const rj::Value& s) {
    std::string_view key = k;
    const rj::Value& arg = s[k];
    if (key == "enum") return render(v) + " is not one of " + join_values(arg) + detail(s);
    if (key == "pattern") {
        // A described pattern reads better by its description than by its regular expression.
        const rj::Value* d = member(s, "description");
        if (d && d->IsString()) return render(v) + " is not " + d->GetString();
        return render(v) + " does not match the pattern " + render(arg);
    }
    if (key == "minimum" || key == "maximum") return bound_message(v, s, key == "minimum") + detail(s);
    bool one = arg.IsUint64() && arg.GetUint64() == 1;
    if (key == "minLength") return (one ? "must not be empty" : "is shorter than " + render(arg) + " characters") + detail(s);
    if (key == "maxLength") return "is longer than " + render(arg) + " characters" + detail(s);
    if (key == "minItems") return (one ? "must have at least one item" : "has fewer than " + render(arg) + " items") + detail(s);
    if (key == "maxItems") return "has more than " + render(arg) + " items" + detail(s);
    if (key == "uniqueItems") return "has duplicate items" + detail(s);
    if (const rj::Value* m = member(s, "x-ocirt-message"); m && m->IsString()) return m->GetString();
    if (key == "anyOf") return "matches none of the allowed forms" + detail(s);
    if (key == "oneOf") return "does not match exactly one of the allowed forms" + detail(s);
    if (key == "not") return "is not allowed" + detail(s);
    return std::string("violates \"") + k + "\"" + detail(s);
}

// Checks the keywords that apply to the value itself, one by one. Returns false when the value has the
// wrong type: then nothing else about it is worth saying.
bool Walker::check_keywords(const rj::Value& v, const std::string& at, const Where& w) {
    const rj::Value& s = *w.node;
    if (const rj::Value* t = member(s, "type"); t && !keywords_pass(v, w, {"type"})) {
        report(at, "expected " + join_types(*t) + ", got " + type_name(v) + detail(s));
        return false;
    }
    static const char* const kAlone[] = {"enum", "pattern", "minLength", "maxLength", "minItems", "maxItems",
                                         "uniqueItems", "minProperties", "maxProperties", "multipleOf",
                                         "anyOf", "oneOf", "not"};
    for (const char* k : kAlone)
        if (member(s, k) && !keywords_pass(v, w, {k})) report(at, keyword_message(k, v, s));
    if (member(s, "minimum") && !keywords_pass(v, w, {"minimum", "exclusiveMinimum"}))
        report(at, keyword_message("minimum", v, s));
    if (member(s, "maximum") && !keywords_pass(v, w, {"maximum", "exclusiveMaximum"}))
        report(at, keyword_message("maximum", v, s));
    if (const rj::Value* all = member(s, "allOf"); all && all->IsArray())
        for (rj::SizeType i = 0; i < all->Size(); i++)
            walk(v, at, {w.file, append(w.ptr, "allOf").Append(i), &(*all)[i]});
    if (v.IsObject()) check_object_keywords(v, at, w);
    return true;
}

bool declared(const rj::Value& s, const char* name) {
    if (const rj::Value* props = member(s, "properties"); props && member(*props, name)) return true;
    if (const rj::Value* pats = member(s, "patternProperties"))
        for (const auto& p : pats->GetObject())
            if (pattern_matches(p.name.GetString(), name)) return true;
    return false;
}

// required, dependencies and additionalProperties: false, reported at the member they are about, so that
// an object missing three members yields three lines.
void Walker::check_object_keywords(const rj::Value& v, const std::string& at, const Where& w) {
    const rj::Value& s = *w.node;
    if (const rj::Value* req = member(s, "required"); req && req->IsArray())
        for (const auto& name : req->GetArray())
            if (!member(v, name.GetString()))
                report(at + "/" + escape_token(name.GetString()), "required property is missing");
    if (const rj::Value* deps = member(s, "dependencies"))
        for (const auto& d : deps->GetObject()) {
            if (!member(v, d.name.GetString())) continue;
            if (d.value.IsArray()) {
                for (const auto& name : d.value.GetArray())
                    if (!member(v, name.GetString()))
                        report(at + "/" + escape_token(name.GetString()),
                               std::string("is required when \"") + d.name.GetString() + "\" is set");
            } else {
                walk(v, at, {w.file, append(w.ptr, "dependencies").Append(d.name), &d.value});
            }
        }
    if (const rj::Value* extra = member(s, "additionalProperties"); extra && extra->IsFalse())
        for (const auto& m : v.GetObject())
            if (!declared(s, m.name.GetString()))
                report(at + "/" + escape_token(m.name.GetString()), "property is not allowed" + detail(s));
}

void Walker::walk_children(const rj::Value& v, const std::string& at, const Where& w) {
    const rj::Value& s = *w.node;
    if (v.IsObject()) {
        const rj::Value* props = member(s, "properties");
        const rj::Value* pats = member(s, "patternProperties");
        const rj::Value* extra = member(s, "additionalProperties");
        for (const auto& m : v.GetObject()) {
            std::string child = at + "/" + escape_token(m.name.GetString());
            const char* name = m.name.GetString();
            if (props && member(*props, name))
                walk(m.value, child, {w.file, append(w.ptr, "properties").Append(m.name), member(*props, name)});
            if (pats)
                for (const auto& p : pats->GetObject())
                    if (pattern_matches(p.name.GetString(), name))
                        walk(m.value, child, {w.file, append(w.ptr, "patternProperties").Append(p.name), &p.value});
            if (extra && extra->IsObject() && !declared(s, name))
                walk(m.value, child, {w.file, append(w.ptr, "additionalProperties"), extra});
        }
    } else if (v.IsArray()) {
        const rj::Value* items = member(s, "items");
        const rj::Value* extra = member(s, "additionalItems");
        for (rj::SizeType i = 0; i < v.Size(); i++) {
            std::string child = at + "/" + std::to_string(i);
            if (items && items->IsObject())
                walk(v[i], child, {w.file, append(w.ptr, "items"), items});
            else if (items && items->IsArray() && i < items->Size())
                walk(v[i], child, {w.file, append(w.ptr, "items").Append(i), &(*items)[i]});
            else if (items && items->IsArray() && extra && extra->IsObject())
                walk(v[i], child, {w.file, append(w.ptr, "additionalItems"), extra});
        }
    }
}

const char* schema_file(SchemaKind kind) {
    switch (kind) {
    case SchemaKind::config: return "config.schema.json";
    case SchemaKind::state: return "state.schema.json";
    case SchemaKind::features: return "features.schema.json";
    case SchemaKind::process: return "process.schema.json";
    }
    return "";
}

}  // namespace

SchemaKind parse_schema_kind(std::string_view name) {
    if (name == "config") return SchemaKind::config;
    if (name == "state") return SchemaKind::state;
    if (name == "features") return SchemaKind::features;
    if (name == "process") return SchemaKind::process;
    throw Error("unknown schema kind \"" + std::string(name) + "\" (config, state, features or process)");
}

std::vector<SchemaViolation> validate_against_schema(std::string_view json, SchemaKind kind) {
    rj::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError())
        return {{"", std::string("not valid JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
                         rj::GetParseError_En(doc.GetParseError())}};
    SchemaSet set;
    SchemaSet::Entry& file = set.entry(schema_file(kind));
    Walker walker(set);
    walker.walk(doc, "", {&file, rj::Pointer(), &file.json});
    return walker.take();
}

}  // namespace ocirt::spec
