// Internal to src/spec/: the readers that one parse_*.cpp file needs from another.
#pragma once

#include "spec/config.hpp"
#include "spec/json_read.hpp"

namespace ocirt::spec {

void read_into(const json::Value& v, const json::Path& p, IdMapping& out);
void read_into(const json::Value& v, const json::Path& p, Process& out);
void read_into(const json::Value& v, const json::Path& p, Linux& out);
void read_into(const json::Value& v, const json::Path& p, Resources& out);

}  // namespace ocirt::spec
