// Internal to src/spec/validate*.cpp: the helpers the checks share. Paths for messages are built only when a
// check fails, so a valid config costs no string building.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "spec/config.hpp"

namespace ocirt::spec::vcheck {

[[noreturn]] void fail(std::string_view where, std::string_view problem);

// "where.name", or "name" at the top.
std::string field(std::string_view where, std::string_view name);
// "where[i]" or "where[i].name".
std::string item(std::string_view where, size_t i, std::string_view name = {});
// where["key"]
std::string key(std::string_view where, std::string_view k);
// "s" with the quotes, for naming a bad value.
std::string quote(std::string_view s);

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed);
bool is_absolute(std::string_view path);
bool has_dotdot(std::string_view path);
// A list of ids like "0-3,7": numbers and ascending ranges separated by commas (CPUs, memory nodes).
bool is_id_list(std::string_view s);
// Absolute, without a ".." component: a path the runtime will resolve inside the container.
void check_container_path(std::string_view where, std::string_view path);
// A list of names that must each be one of `allowed`, with no duplicates.
void check_flags(std::string_view where, const std::vector<std::string>& flags,
                 std::initializer_list<std::string_view> allowed, std::string_view what);

// The checks of validate_linux.cpp and validate_resources.cpp that validate() runs.
void check_devices(const Config& c);
void check_seccomp(const Config& c);
void check_personality(const Config& c);
void check_memory_policy(const Config& c);
void check_intel_rdt(const Config& c);
void check_net_devices(const Config& c);
void check_cgroups_path(const Config& c);

}  // namespace ocirt::spec::vcheck
