// What `update` does to the config saved at create: merge the new resources into linux.resources and write
// them back, so that later commands (update of another field, events, restore) see what is in effect.
#pragma once

#include <string>
#include <string_view>

#include "spec/config.hpp"

namespace ocirt::spec {

// Overlays what update sets on base: a field update has replaces the one in base; list entries replace the
// entry for the same device, page size, rdma device or unified key and add the others; a device list, being
// ordered rules, replaces base's whole list.
void merge_resources(Resources& base, const Resources& update);

// The linux.resources object as JSON, in the spec's field names (parse_resources reads it back).
std::string resources_to_json(const Resources& r);

// config_json with linux.resources replaced by r, everything else kept as it was.
std::string replace_resources(std::string_view config_json, const Resources& r);

}  // namespace ocirt::spec
