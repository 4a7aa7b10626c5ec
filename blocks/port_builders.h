#pragma once
// Short constructors for the ports blocks declare, so a block's spec reads like its signature.
#include <string>
#include <vector>

#include "runtime/port.h"

namespace blockflow::ports {

inline const std::vector<DType> kFloatTypes = {DType::Float16, DType::BFloat16, DType::Float32,
                                               DType::Float64};

inline PortSpec tensor_in(std::string name, std::vector<DType> dtypes, std::string doc, int rank = -1) {
  PortSpec port;
  port.name = std::move(name);
  port.kind = PortKind::Tensor;
  port.allowed_dtypes = std::move(dtypes);
  port.rank = rank;
  port.doc = std::move(doc);
  return port;
}

inline PortSpec tensor_out(std::string name, std::string doc, std::string alias_of = {}) {
  PortSpec port;
  port.name = std::move(name);
  port.direction = PortDirection::Output;
  port.kind = PortKind::Tensor;
  port.doc = std::move(doc);
  port.alias_of = std::move(alias_of);
  return port;
}

inline PortSpec value_in(std::string name, PortKind kind, std::string default_text, std::string doc,
                         bool required = true) {
  PortSpec port;
  port.name = std::move(name);
  port.kind = kind;
  port.default_text = std::move(default_text);
  port.doc = std::move(doc);
  port.required = required;
  return port;
}

inline PortSpec enum_in(std::string name, std::vector<std::string> choices, std::string default_text,
                        std::string doc) {
  PortSpec port = value_in(std::move(name), PortKind::Enum, std::move(default_text), std::move(doc));
  port.choices = std::move(choices);
  return port;
}

inline PortSpec attrs_in(std::string name, std::vector<AttrSpec> attrs, std::string doc) {
  PortSpec port = value_in(std::move(name), PortKind::Attrs, "", std::move(doc), false);
  port.attrs = std::move(attrs);
  return port;
}

}  // namespace blockflow::ports
