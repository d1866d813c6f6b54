// Internal to src/spec/: reading a RapidJSON tree into the typed model. Never include it outside src/spec/.
// A Path is a chain of stack frames (no allocation) that is only turned into text when a field is wrong, so
// an error names the JSON path ("linux.namespaces[2].type: expected a string") at no cost on the good path.
// Every model struct has a `read_into(const Value&, const Path&, Struct&)` in namespace ocirt::spec, found by
// argument-dependent lookup from json::read, which handles the scalars, optionals, arrays and maps.
#pragma once

#include <rapidjson/document.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ocirt::spec::json {

using Value = rapidjson::Value;

class Path {
public:
    Path() = default;
    Path field(std::string_view name) const { return Path(this, Kind::field, name, 0); }
    Path at(size_t index) const { return Path(this, Kind::index, {}, index); }
    Path key(std::string_view k) const { return Path(this, Kind::key, k, 0); }

    std::string str() const;
    [[noreturn]] void fail(std::string_view problem) const;

private:
    enum class Kind { root, field, index, key };
    Path(const Path* parent, Kind kind, std::string_view name, size_t index)
        : parent_(parent), kind_(kind), name_(name), index_(index) {}
    void append_to(std::string& out) const;

    const Path* parent_ = nullptr;
    Kind kind_ = Kind::root;
    std::string_view name_;
    size_t index_ = 0;
};

[[noreturn]] void fail_range(const Path& p, const Value& v, long double lo, long double hi);

template <class T>
T read_integer(const Value& v, const Path& p) {
    if (v.IsInt64()) {
        if (std::in_range<T>(v.GetInt64())) return static_cast<T>(v.GetInt64());
    } else if (v.IsUint64()) {
        if (std::in_range<T>(v.GetUint64())) return static_cast<T>(v.GetUint64());
    } else if (v.IsDouble()) {
        // "1e3" and "4096.0" are integers written another way; 1.5 is not.
        double d = v.GetDouble();
        if (std::trunc(d) != d) p.fail("expected an integer, got a fraction");
        if (d >= -9.2e18 && d <= 9.2e18 && std::in_range<T>(static_cast<int64_t>(d))) return static_cast<T>(d);
    } else {
        p.fail("expected an integer");
    }
    fail_range(p, v, static_cast<long double>(std::numeric_limits<T>::min()),
               static_cast<long double>(std::numeric_limits<T>::max()));
}

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T>
struct is_string_map<std::map<std::string, T>> : std::true_type {};

template <class T>
void read(const Value& v, const Path& p, T& out) {
    if constexpr (std::is_same_v<T, bool>) {
        if (!v.IsBool()) p.fail("expected a boolean");
        out = v.GetBool();
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.IsString()) p.fail("expected a string");
        out.assign(v.GetString(), v.GetStringLength());
    } else if constexpr (std::is_integral_v<T>) {
        out = read_integer<T>(v, p);
    } else if constexpr (is_optional<T>::value) {
        read(v, p, out.emplace());
    } else if constexpr (is_vector<T>::value) {
        if (!v.IsArray()) p.fail("expected an array");
        out.clear();
        out.resize(v.Size());
        for (rapidjson::SizeType i = 0; i < v.Size(); ++i) read(v[i], p.at(i), out[i]);
    } else if constexpr (is_string_map<T>::value) {
        if (!v.IsObject()) p.fail("expected an object");
        out.clear();
        for (const auto& m : v.GetObject()) {
            std::string_view k(m.name.GetString(), m.name.GetStringLength());
            read(m.value, p.key(k), out[std::string(k)]);
        }
    } else {
        read_into(v, p, out);
    }
}

// A JSON object being read field by field. An absent property, or one set to null, leaves the field as it
// was (its default), as Go's decoder does: clients write null for "unset".
class Object {
public:
    Object(const Value& v, const Path& p) : v_(v), p_(p) {
        if (!v.IsObject()) p.fail("expected an object");
    }

    template <class T>
    void get(const char* name, T& out) const {
        if (const Value* f = find(name)) read(*f, p_.field(name), out);
    }
    const Value* find(const char* name) const {
        auto it = v_.FindMember(name);
        if (it == v_.MemberEnd() || it->value.IsNull()) return nullptr;
        return &it->value;
    }

private:
    const Value& v_;
    const Path& p_;
};

// Parses text into doc, throwing an Error with the offset, line, column and RapidJSON's message.
void parse_document(rapidjson::Document& doc, std::string_view text);

}  // namespace ocirt::spec::json
