#pragma once
// Tensor values typed by users: flat "1,2,3,4" (with a shape), nested "{{1,2},{3,4}}" whose
// nesting gives the shape, or a single value that fills the shape.
#include <optional>
#include <string_view>

#include "runtime/tensor.h"

namespace blockflow {

// Throws Error describing the offending text. `shape` may be absent: nested text then gives
// the shape, flat text a vector, a single value a scalar.
Tensor parse_tensor_literal(std::string_view text, DType dtype, const std::optional<Dims>& shape);

// Converts one typed token to the dtype (range-checked for integers); false if it does not fit.
bool store_literal_element(std::string_view token, DType dtype, void* destination);

}  // namespace blockflow
