#include "src/cli/tensor_printer.h"

#include <charconv>
#include <cmath>

namespace blockflow {

namespace {

constexpr std::int64_t kSummaryThreshold = 1000;
constexpr std::int64_t kEdgeItems = 3;

std::string shortest(double value, bool is_double) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  // float values print with float's shortest form, so 0.1f shows as 0.1.
  auto result = is_double ? std::to_chars(buffer, buffer + sizeof buffer, value)
                          : std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value));
  return std::string(buffer, result.ptr);
}

class Printer {
 public:
  explicit Printer(const Tensor& tensor)
      : tensor_(tensor), summarize_(tensor.element_count() > kSummaryThreshold) {}

  std::string print() {
    if (tensor_.rank() == 0) return format_element(tensor_, 0);
    print_level(0, 0);
    return out_;
  }

 private:
  void print_level(int axis, std::int64_t offset) {
    const std::int64_t size = tensor_.dim(axis);
    std::int64_t stride = 1;
    for (int a = axis + 1; a < tensor_.rank(); ++a) stride *= tensor_.dim(a);
    out_ += "[";
    const bool last_axis = axis + 1 == tensor_.rank();
    for (std::int64_t i = 0; i < size; ++i) {
      if (summarize_ && size > 2 * kEdgeItems && i == kEdgeItems) {
        out_ += last_axis ? "... " : "...\n" + std::string(static_cast<std::size_t>(axis + 1), ' ');
        i = size - kEdgeItems - 1;
        continue;
      }
      if (last_axis) {
        out_ += format_element(tensor_, offset + i);
        if (i + 1 < size) out_ += " ";
      } else {
        print_level(axis + 1, offset + i * stride);
        if (i + 1 < size) {
          out_ += std::string(static_cast<std::size_t>(tensor_.rank() - axis - 1), '\n');
          out_ += std::string(static_cast<std::size_t>(axis + 1), ' ');
        }
      }
    }
    out_ += "]";
  }

  const Tensor& tensor_;
  bool summarize_;
  std::string out_;
};

}  // namespace

std::string format_element(const Tensor& tensor, std::int64_t index) {
  const double value = tensor.element_as_double(index);
  switch (tensor.dtype()) {
    case DType::Bool: return value != 0 ? "true" : "false";
    case DType::Int32:
    case DType::Int64:
    case DType::UInt8: return std::to_string(static_cast<std::int64_t>(value));
    case DType::Float64: return shortest(value, true);
    default: return shortest(value, false);
  }
}

std::string format_tensor_values(const Tensor& tensor) {
  if (tensor.element_count() == 0) return "[]";
  return Printer(tensor).print();
}

nlohmann::ordered_json tensor_to_json(const Tensor& tensor, std::int64_t max_values) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["dtype"] = dtype_name(tensor.dtype());
  json["shape"] = tensor.dims();
  if (tensor.element_count() > max_values) {
    json["values"] = nullptr;
    return json;
  }
  nlohmann::ordered_json values = nlohmann::ordered_json::array();
  for (std::int64_t i = 0; i < tensor.element_count(); ++i) {
    const double value = tensor.element_as_double(i);
    if (tensor.dtype() == DType::Bool) values.push_back(value != 0);
    else if (!is_floating(tensor.dtype())) values.push_back(static_cast<std::int64_t>(value));
    else if (std::isfinite(value)) values.push_back(tensor.dtype() == DType::Float64 ? value : static_cast<double>(static_cast<float>(value)));
    else values.push_back(format_element(tensor, i));  // JSON has no nan or inf: written as text
  }
  json["values"] = std::move(values);
  return json;
}

}  // namespace blockflow
