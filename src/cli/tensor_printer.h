#pragma once
// Tensors as text, summarized like numpy for large ones (the first and last three entries of
// each dimension once a tensor has more than 1000 elements).
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/tensor.h"

namespace blockflow {

std::string format_tensor_values(const Tensor& tensor);
// One element in its shortest round-trip form ("152", "0.1", "nan", "true").
std::string format_element(const Tensor& tensor, std::int64_t index);
// {"dtype", "shape", "values"}: values flat in row-major order, null beyond max_values.
nlohmann::ordered_json tensor_to_json(const Tensor& tensor, std::int64_t max_values);

}  // namespace blockflow
