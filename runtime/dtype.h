#pragma once
// Element types of tensors. Names at the edges (pages, CLI) are parsed here;
// inside the engine only the enum is used.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

namespace blockflow {

enum class DType : std::uint8_t { Float16, BFloat16, Float32, Float64, Int32, Int64, UInt8, Bool };

inline constexpr DType kAllDTypes[] = {DType::Float16, DType::BFloat16, DType::Float32,
                                       DType::Float64, DType::Int32,    DType::Int64,
                                       DType::UInt8,   DType::Bool};

std::size_t dtype_size(DType dtype);
// Canonical (numpy-style) name: float16, bfloat16, float32, float64, int32, int64, uint8, bool.
std::string_view dtype_name(DType dtype);
// Accepts TensorFlow names (float, double, half), numpy names (float32) and enum style (DT_FLOAT),
// case-insensitively. Returns nullopt for anything else.
std::optional<DType> parse_dtype(std::string_view text);
// The names a user may type, for error messages and editor combo boxes.
const std::vector<std::string>& dtype_choices();
bool is_floating(DType dtype);

// C++ element type for each dtype.
template <DType D>
struct DTypeTraits;
template <>
struct DTypeTraits<DType::Float16> { using type = Eigen::half; };
template <>
struct DTypeTraits<DType::BFloat16> { using type = Eigen::bfloat16; };
template <>
struct DTypeTraits<DType::Float32> { using type = float; };
template <>
struct DTypeTraits<DType::Float64> { using type = double; };
template <>
struct DTypeTraits<DType::Int32> { using type = std::int32_t; };
template <>
struct DTypeTraits<DType::Int64> { using type = std::int64_t; };
template <>
struct DTypeTraits<DType::UInt8> { using type = std::uint8_t; };
template <>
struct DTypeTraits<DType::Bool> { using type = bool; };

template <typename T>
constexpr DType dtype_of();
template <> constexpr DType dtype_of<Eigen::half>() { return DType::Float16; }
template <> constexpr DType dtype_of<Eigen::bfloat16>() { return DType::BFloat16; }
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<double>() { return DType::Float64; }
template <> constexpr DType dtype_of<std::int32_t>() { return DType::Int32; }
template <> constexpr DType dtype_of<std::int64_t>() { return DType::Int64; }
template <> constexpr DType dtype_of<std::uint8_t>() { return DType::UInt8; }
template <> constexpr DType dtype_of<bool>() { return DType::Bool; }

// Calls fn(T{}) with T the element type of dtype. Keeps type switches in one place.
template <typename Fn>
decltype(auto) visit_dtype(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Float16: return fn(Eigen::half{});
    case DType::BFloat16: return fn(Eigen::bfloat16{});
    case DType::Float32: return fn(float{});
    case DType::Float64: return fn(double{});
    case DType::Int32: return fn(std::int32_t{});
    case DType::Int64: return fn(std::int64_t{});
    case DType::UInt8: return fn(std::uint8_t{});
    case DType::Bool: return fn(bool{});
  }
  return fn(float{});
}

}  // namespace blockflow
