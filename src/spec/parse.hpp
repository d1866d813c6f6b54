// config.json text in, the typed model out (RapidJSON stays inside src/spec/). Unknown properties are ignored,
// as the spec requires; a property of the wrong type, or a number that does not fit its field, throws an
// ocirt::Error naming the JSON path ("linux.namespaces[2].type: expected a string"). Malformed JSON reports
// the offset and the parser's message. Parsing does not check meaning: validate() does that.
#pragma once

#include <string_view>

#include "spec/config.hpp"

namespace ocirt::spec {

// A whole config.json.
Config parse_config(std::string_view json);
// The "process" object alone: the file given to `exec --process`. Paths in errors start at its fields.
Process parse_process(std::string_view json);
// The "linux.resources" object alone: the file given to `update --resources`.
Resources parse_resources(std::string_view json);

}  // namespace ocirt::spec
