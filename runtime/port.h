#pragma once
// Declared ports of a block type: what a port accepts, its default and its doc line.
#include <memory>
#include <string>
#include <vector>

#include "runtime/dtype.h"
#include "runtime/value.h"

namespace blockflow {

enum class PortDirection { Input, Output };

// What a port carries. Tensor ports are wired; the others hold values typed by the user.
enum class PortKind { Tensor, IntList, Int, Float, Enum, DTypeName, String, Attrs };

// The kinds an attribute inside an `attrs` port can have.
enum class AttrKind { IntList, Int, Float, Bool, Enum, String };

struct AttrSpec {
  std::string name;  // without the enuSpace trailing underscore
  AttrKind kind = AttrKind::String;
  std::vector<std::string> choices;  // for Enum
  std::string default_text;          // parsed like user text
  std::string doc;
};

struct PortSpec {
  std::string name;
  PortDirection direction = PortDirection::Input;
  PortKind kind = PortKind::Tensor;
  std::vector<DType> allowed_dtypes;  // Tensor: empty means any
  int rank = -1;                      // Tensor: -1 means any
  std::vector<std::string> choices;   // Enum
  std::vector<AttrSpec> attrs;        // Attrs
  bool required = true;               // an input that must be linked or given a value
  std::string default_text;           // used when the page gives no value
  std::string doc;
  std::string alias_of;  // Output: names another output whose tensor this port shows
  // default_text (and the attrs' defaults) parsed once, by BlockRegistry::add, so that binding
  // a page does not parse the same defaults for every block; null parses them on use. Shared
  // by copies of the spec: reset it when changing a copy's defaults.
  std::shared_ptr<const PortValue> parsed_default;

  bool is_input() const { return direction == PortDirection::Input; }
  bool is_output() const { return direction == PortDirection::Output; }
  const AttrSpec* find_attr(const std::string& attr_name) const;
};

std::string_view port_kind_name(PortKind kind);
std::string_view attr_kind_name(AttrKind kind);
// Human-readable type, e.g. "tensor<float16|bfloat16|float32|float64, rank 4>" or "enum{SAME|VALID}".
std::string port_type_text(const PortSpec& port);

}  // namespace blockflow
