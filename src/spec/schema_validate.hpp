// Checks JSON documents against ocirt's own JSON Schemas (spec-schemas/, embedded in the binary) with
// RapidJSON's schema validator, and reports every violation, not only the first one.
//
// RapidJSON 1.1.0 (Debian 12) stops at the first error. To report them all, the document is walked with
// the schema: where a value fails its sub-schema, each of that sub-schema's own keywords is checked on its
// own (a one-keyword schema, still judged by RapidJSON) and the walk goes on into the members or items that
// fail their own sub-schemas. A sub-tree that passes is never entered, so a valid document costs one
// validation. Limits: anyOf/oneOf/not are reported as one violation at the value they apply to, and a
// failure RapidJSON reports that no single keyword explains is reported at the deepest value that fails.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ocirt::spec {

enum class SchemaKind { config, state, features, process };

// "config", "state", "features", "process"; throws Error naming the accepted values otherwise.
SchemaKind parse_schema_kind(std::string_view name);

struct SchemaViolation {
    std::string pointer;  // RFC 6901 JSON pointer into the document; "" is the document itself
    std::string message;
};

// Every violation of the schema for `kind` by the JSON text; empty when it is valid. Text that is not JSON
// yields one violation at "" that names the offset of the syntax error.
std::vector<SchemaViolation> validate_against_schema(std::string_view json, SchemaKind kind);

// The text of an embedded schema by file name ("config.schema.json"), empty if there is none. Defined in
// the source that spec-schemas/embed.py generates.
std::string_view embedded_schema(std::string_view file_name);
std::vector<std::string_view> embedded_schema_names();

}  // namespace ocirt::spec
