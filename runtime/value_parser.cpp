#include "runtime/value_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "runtime/error.h"
#include "runtime/text_util.h"

namespace blockflow {

namespace {

std::optional<std::int64_t> to_int(std::string_view token) {
  token = trim(token);
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc{} || end != token.data() + token.size() || token.empty()) return std::nullopt;
  return value;
}

std::optional<double> to_double(std::string_view token) {
  token = trim(token);
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  double value = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc{} || end != token.data() + token.size() || token.empty()) return std::nullopt;
  return value;
}

std::optional<bool> to_bool(std::string_view token) {
  const std::string word = to_lower(trim(token));
  if (word == "true" || word == "1") return true;
  if (word == "false" || word == "0") return false;
  return std::nullopt;
}

// TensorFlow's wording: Value for attr 'padding' of "FOO" is not in the list of allowed values: ...
std::string not_allowed(std::string_view name, std::string_view text,
                        const std::vector<std::string>& choices) {
  std::vector<std::string> quoted;
  for (const auto& choice : choices) quoted.push_back(quote(choice));
  const std::string allowed = join(quoted, ", ");
  return "Value for attr '" + std::string(name) + "' of \"" + std::string(text) +
         "\" is not in the list of allowed values: " + allowed;
}

std::string choices_text(const std::vector<std::string>& choices) { return join(choices, ", "); }

std::string strip_attr_underscore(std::string_view name) {
  std::string out(trim(name));
  if (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

AttrValue parse_attr_text(const PortSpec& port, const AttrSpec& attr, std::string_view text) {
  const std::string where = "attr '" + attr.name + "_' ";
  switch (attr.kind) {
    case AttrKind::IntList:
      try {
        return parse_int_list_text(port.name, text);
      } catch (const PortError& e) {
        throw PortError(port.name, where + e.what());
      }
    case AttrKind::Int:
      if (auto v = to_int(text)) return *v;
      throw PortError(port.name, where + "expects an integer, got " + quote(trim(text)));
    case AttrKind::Float:
      if (auto v = to_double(text)) return *v;
      throw PortError(port.name, where + "expects a number, got " + quote(trim(text)));
    case AttrKind::Bool:
      if (auto v = to_bool(text)) return *v;
      throw PortError(port.name, where + "expects true or false, got " + quote(trim(text)));
    case AttrKind::Enum: {
      const std::string wanted = to_upper(trim(text));
      for (const auto& choice : attr.choices)
        if (to_upper(choice) == wanted) return choice;
      throw PortError(port.name, not_allowed(attr.name, trim(text), attr.choices));
    }
    case AttrKind::String: return std::string(trim(text));
  }
  return std::string(text);
}

AttrValue parse_attr_json(const PortSpec& port, const AttrSpec& attr, const nlohmann::json& raw) {
  if (raw.is_string()) return parse_attr_text(port, attr, raw.get<std::string>());
  const std::string where = "attr '" + attr.name + "_' ";
  switch (attr.kind) {
    case AttrKind::IntList:
      if (raw.is_array()) {
        IntList list;
        for (const auto& item : raw) {
          if (!item.is_number_integer())
            throw PortError(port.name, where + "expects integers, got " + quote(raw.dump()));
          list.push_back(item.get<std::int64_t>());
        }
        return list;
      }
      if (raw.is_number_integer()) return IntList{raw.get<std::int64_t>()};
      break;
    case AttrKind::Int:
      if (raw.is_number_integer()) return raw.get<std::int64_t>();
      break;
    case AttrKind::Float:
      if (raw.is_number()) return raw.get<double>();
      break;
    case AttrKind::Bool:
      if (raw.is_boolean()) return raw.get<bool>();
      if (raw.is_number_integer() && (raw == 0 || raw == 1)) return raw.get<int>() == 1;
      break;
    case AttrKind::Enum:
    case AttrKind::String: break;
  }
  throw PortError(port.name, where + "expects " + std::string(attr_kind_name(attr.kind)) + ", got " +
                                 quote(raw.dump()));
}

Attrs attrs_with_defaults(const PortSpec& port) {
  Attrs attrs;
  for (const auto& attr : port.attrs) {
    if (!attr.default_text.empty() || attr.kind == AttrKind::IntList || attr.kind == AttrKind::String)
      attrs.set(attr.name, parse_attr_text(port, attr, attr.default_text));
  }
  return attrs;
}

const AttrSpec& find_attr_or_throw(const PortSpec& port, const std::string& name,
                                   std::string_view original) {
  if (const AttrSpec* attr = port.find_attr(name)) return *attr;
  std::vector<std::string> known;
  for (const auto& a : port.attrs) known.push_back(a.name + "_");
  throw PortError(port.name, "unknown attr " + quote(trim(original)) + " (known: " +
                                 choices_text(known) + ")");
}

IntList int_list_from_json(const PortSpec& port, const nlohmann::json& raw) {
  if (raw.is_string()) return parse_int_list_text(port.name, raw.get<std::string>());
  if (raw.is_number_integer()) return IntList{raw.get<std::int64_t>()};
  if (raw.is_array()) {
    IntList list;
    for (const auto& item : raw) {
      if (!item.is_number_integer())
        throw PortError(port.name, "expects a list of integers, got " + quote(raw.dump()));
      list.push_back(item.get<std::int64_t>());
    }
    return list;
  }
  throw PortError(port.name, "expects a list of integers like 1,2,2,1, got " + quote(raw.dump()));
}

std::string expect_string(const PortSpec& port, const nlohmann::json& raw, const char* what) {
  if (raw.is_string()) return raw.get<std::string>();
  throw PortError(port.name, std::string("expects ") + what + ", got " + quote(raw.dump()));
}

}  // namespace

IntList parse_int_list_text(std::string_view port, std::string_view text) {
  // Items between ',' or ';'; braces and brackets are ignored wherever they are. One buffer for
  // the item: pages of thousands of blocks parse a list per block.
  std::string item;
  IntList list;
  std::size_t items = 0;
  auto finish_item = [&](bool last) {
    ++items;
    const std::string_view token = trim(item);
    if (token.empty()) {
      const bool whole_text_empty = last && items == 1;
      const bool trailing_separator = last && items > 1;
      if (whole_text_empty || trailing_separator) return;
      throw PortError(std::string(port), "empty item in integer list " + quote(text));
    }
    auto value = to_int(token);
    if (!value)
      throw PortError(std::string(port), quote(token) + " is not an integer in integer list " + quote(text));
    list.push_back(*value);
    item.clear();
  };
  for (char c : text) {
    if (c == '{' || c == '}' || c == '[' || c == ']') continue;
    if (c == ',' || c == ';') finish_item(false);
    else item += c;
  }
  finish_item(true);
  return list;
}

std::string parse_enum_text(std::string_view port, std::string_view text,
                            const std::vector<std::string>& choices) {
  const std::string wanted = to_upper(trim(text));
  for (const auto& choice : choices)
    if (to_upper(choice) == wanted) return choice;
  throw PortError(std::string(port), not_allowed(port, trim(text), choices));
}

Attrs parse_attrs_text(const PortSpec& port, std::string_view text) {
  const auto* parsed = port.parsed_default ? std::get_if<Attrs>(port.parsed_default.get()) : nullptr;
  Attrs attrs = parsed ? *parsed : attrs_with_defaults(port);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view pair = trim(text.substr(start, end - start));
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos)
      throw PortError(port.name, "expected name_ = value, got " + quote(pair));
    const std::string_view raw_name = pair.substr(0, equals);
    const AttrSpec& attr = find_attr_or_throw(port, strip_attr_underscore(raw_name), raw_name);
    attrs.set(attr.name, parse_attr_text(port, attr, pair.substr(equals + 1)));
  }
  return attrs;
}

PortValue parse_port_value(const PortSpec& port, const nlohmann::json& raw) {
  if (raw.is_null()) return default_port_value(port);
  switch (port.kind) {
    case PortKind::Tensor:
      throw PortError(port.name, "is a tensor port: link a block's output to it instead of typing " +
                                     quote(raw.dump()));
    case PortKind::IntList: return int_list_from_json(port, raw);
    case PortKind::Int: {
      if (raw.is_number_integer()) return raw.get<std::int64_t>();
      const std::string text = expect_string(port, raw, "an integer");
      if (auto v = to_int(text)) return *v;
      throw PortError(port.name, "expects an integer, got " + quote(text));
    }
    case PortKind::Float: {
      if (raw.is_number()) return raw.get<double>();
      const std::string text = expect_string(port, raw, "a number");
      if (auto v = to_double(text)) return *v;
      throw PortError(port.name, "expects a number, got " + quote(text));
    }
    case PortKind::Enum:
      return parse_enum_text(port.name, expect_string(port, raw, "a name"), port.choices);
    case PortKind::DTypeName: {
      const std::string text = expect_string(port, raw, "a dtype name");
      if (auto dtype = parse_dtype(text)) return *dtype;
      throw PortError(port.name, "unknown dtype " + quote(text) + " (known: " +
                                     choices_text(dtype_choices()) + ")");
    }
    case PortKind::String: return expect_string(port, raw, "text");
    case PortKind::Attrs: {
      if (raw.is_string()) return parse_attrs_text(port, raw.get<std::string>());
      if (!raw.is_object())
        throw PortError(port.name, "expects attrs like data_format_ = NHWC; or a JSON object, got " +
                                       quote(raw.dump()));
      const auto* parsed = port.parsed_default ? std::get_if<Attrs>(port.parsed_default.get()) : nullptr;
      Attrs attrs = parsed ? *parsed : attrs_with_defaults(port);
      for (const auto& [key, value] : raw.items()) {
        const AttrSpec& attr = find_attr_or_throw(port, strip_attr_underscore(key), key);
        attrs.set(attr.name, parse_attr_json(port, attr, value));
      }
      return attrs;
    }
  }
  return std::monostate{};
}

PortValue default_port_value(const PortSpec& port) {
  if (port.parsed_default) return *port.parsed_default;
  if (port.kind == PortKind::Attrs) return parse_attrs_text(port, "");
  if (port.default_text.empty() || port.kind == PortKind::Tensor) return std::monostate{};
  return parse_port_value(port, nlohmann::json(port.default_text));
}

}  // namespace blockflow
