#pragma once
// Binds a block's value ports from JSON the way the graph compiler does, for kernel-level tests.
#include <nlohmann/json.hpp>

#include "runtime/block_spec.h"
#include "runtime/value_parser.h"

namespace blockflow::test {

inline BoundValues bind_values(const BlockSpec& spec, const nlohmann::json& values) {
  BoundValues bound;
  for (const auto& port : spec.ports) {
    if (!port.is_input() || port.kind == PortKind::Tensor) continue;
    auto it = values.find(port.name);
    bound.set(port.name, it == values.end() ? default_port_value(port) : parse_port_value(port, *it));
  }
  return bound;
}

template <typename T>
Tensor tensor_from_doubles(const Dims& dims, const std::vector<double>& values) {
  std::vector<T> converted;
  for (double v : values) converted.push_back(static_cast<T>(v));
  return Tensor::from_values<T>(dims, converted);
}

inline std::vector<double> tensor_to_doubles(const Tensor& tensor) {
  std::vector<double> values;
  for (std::int64_t i = 0; i < tensor.element_count(); ++i) values.push_back(tensor.element_as_double(i));
  return values;
}

}  // namespace blockflow::test
