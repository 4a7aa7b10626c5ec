#pragma once
// Parses what users type into ports, following enuSpace's conventions, and the same values given
// as JSON. Errors are PortError naming the port and quoting the offending text.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/port.h"
#include "runtime/value.h"

namespace blockflow {

// "1,2,2,1", "1;2;2;1", "{1,2,2,1}", "[1, 2]"; whitespace ignored; a trailing separator allowed.
IntList parse_int_list_text(std::string_view port, std::string_view text);
// "SAME" (any case) -> the matching choice as declared.
std::string parse_enum_text(std::string_view port, std::string_view text,
                            const std::vector<std::string>& choices);
// "data_format_ = NHWC; dilations_ = 1,2,2,1;" against the declared attrs; missing attrs get
// their defaults. Names may be written with or without the trailing underscore.
Attrs parse_attrs_text(const PortSpec& port, std::string_view text);

// Parses a value given in a page: a string in enuSpace text, or JSON (array, number, object).
PortValue parse_port_value(const PortSpec& port, const nlohmann::json& raw);
// The value a port has when the page gives none (monostate when it has no default).
PortValue default_port_value(const PortSpec& port);

}  // namespace blockflow
