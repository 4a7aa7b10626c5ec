#include "runtime/dtype.h"

#include <algorithm>
#include <cctype>

namespace blockflow {

std::size_t dtype_size(DType dtype) {
  return visit_dtype(dtype, [](auto value) { return sizeof(value); });
}

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Float16: return "float16";
    case DType::BFloat16: return "bfloat16";
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::UInt8: return "uint8";
    case DType::Bool: return "bool";
  }
  return "?";
}

namespace {
struct DTypeAlias {
  const char* name;
  DType dtype;
};
// Lower-case spellings; DT_ prefix is stripped before lookup.
constexpr DTypeAlias kAliases[] = {
    {"float16", DType::Float16}, {"half", DType::Float16},      {"bfloat16", DType::BFloat16},
    {"float32", DType::Float32}, {"float", DType::Float32},     {"float64", DType::Float64},
    {"double", DType::Float64},  {"int32", DType::Int32},       {"int64", DType::Int64},
    {"uint8", DType::UInt8},     {"bool", DType::Bool},
};
}  // namespace

std::optional<DType> parse_dtype(std::string_view text) {
  std::string lowered;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c)))
      lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lowered.rfind("dt_", 0) == 0) lowered.erase(0, 3);
  for (const auto& alias : kAliases) {
    if (lowered == alias.name) return alias.dtype;
  }
  return std::nullopt;
}

const std::vector<std::string>& dtype_choices() {
  static const std::vector<std::string> choices = {"float",  "double", "half",  "bfloat16",
                                                   "int32",  "int64",  "uint8", "bool"};
  return choices;
}

bool is_floating(DType dtype) {
  return dtype == DType::Float16 || dtype == DType::BFloat16 || dtype == DType::Float32 ||
         dtype == DType::Float64;
}

}  // namespace blockflow
