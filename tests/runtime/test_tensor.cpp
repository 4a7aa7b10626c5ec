#include <catch2/catch.hpp>

#include <cstdint>

#include "runtime/tensor.h"
#include "runtime/tensor_literal.h"

using namespace blockflow;

TEST_CASE("dtype names from TensorFlow, numpy and enum style", "[tensor]") {
  CHECK(parse_dtype("float") == DType::Float32);
  CHECK(parse_dtype("float32") == DType::Float32);
  CHECK(parse_dtype("DT_FLOAT") == DType::Float32);
  CHECK(parse_dtype("double") == DType::Float64);
  CHECK(parse_dtype("float64") == DType::Float64);
  CHECK(parse_dtype("half") == DType::Float16);
  CHECK(parse_dtype("float16") == DType::Float16);
  CHECK(parse_dtype("DT_BFLOAT16") == DType::BFloat16);
  CHECK(parse_dtype("int32") == DType::Int32);
  CHECK(parse_dtype("DT_INT64") == DType::Int64);
  CHECK(parse_dtype("uint8") == DType::UInt8);
  CHECK(parse_dtype("bool") == DType::Bool);
  CHECK_FALSE(parse_dtype("complex64").has_value());
  CHECK(dtype_size(DType::BFloat16) == 2);
  CHECK(dtype_size(DType::Int64) == 8);
}

TEST_CASE("tensors are 64-byte aligned, zeroed and share storage", "[tensor]") {
  for (DType dtype : kAllDTypes) {
    Tensor t(dtype, {3, 5, 7});
    CHECK(reinterpret_cast<std::uintptr_t>(t.raw_data()) % 64 == 0);
    CHECK(t.element_count() == 105);
    CHECK(t.byte_size() == 105 * static_cast<std::int64_t>(dtype_size(dtype)));
  }
  Tensor a(DType::Float32, {2, 2});
  Tensor shared = a;
  a.data<float>()[3] = 7.0f;
  CHECK(shared.data<float>()[3] == 7.0f);
  Tensor deep = a.clone();
  a.data<float>()[3] = 1.0f;
  CHECK(deep.data<float>()[3] == 7.0f);
  CHECK(Tensor(DType::Float32, {}).element_count() == 1);  // rank 0 is a scalar
  CHECK(Tensor(DType::Float32, {4, 0, 2}).element_count() == 0);
}

TEST_CASE("placed tensors start at the page offset asked for and give all their memory back", "[tensor]") {
  const std::int64_t baseline = live_tensor_bytes();
  for (std::size_t offset = 0; offset < 4096; offset += 64) {
    Tensor t = Tensor::uninitialized_at_page_offset(DType::Float32, {3, 1000}, offset);
    CHECK(reinterpret_cast<std::uintptr_t>(t.raw_data()) % 4096 == offset);
    for (float& v : t.values<float>()) v = 1.0f;  // every element is inside the allocation
    Tensor shared = t;
    t = Tensor();
    CHECK(shared.values<float>().back() == 1.0f);
  }
  CHECK(live_tensor_bytes() == baseline);
  CHECK_THROWS_WITH(Tensor::uninitialized_at_page_offset(DType::Float32, {4}, 100),
                    "page offset 100 is not a multiple of 64 below 4096");
  CHECK_THROWS_WITH(Tensor::uninitialized_at_page_offset(DType::Float32, {4}, 4096),
                    "page offset 4096 is not a multiple of 64 below 4096");
}

TEST_CASE("Eigen views see the tensor's row-major data", "[tensor]") {
  const std::vector<float> values = {1, 2, 3, 4, 5, 6};
  Tensor t = Tensor::from_values<float>({2, 3}, values);
  auto view = t.eigen<float, 2>();
  CHECK(view(1, 0) == 4.0f);
  CHECK(view(0, 2) == 3.0f);
  CHECK_THROWS_WITH((t.eigen<float, 3>()), "tensor rank 2 is not 3");
  CHECK_THROWS_WITH(t.data<double>(), "tensor holds float32, not float64");
}

TEST_CASE("element counts are overflow-checked and allocations capped", "[tensor]") {
  CHECK(checked_element_count({1000000, 1000000, 1000}) == 1000000000000000);
  CHECK_THROWS_WITH(checked_element_count({1LL << 40, 1LL << 40}),
                    "shape [1099511627776,1099511627776] has more elements than fit in int64");
  CHECK_THROWS_WITH(checked_element_count({2, -3}), "shape [2,?] has a negative dimension");
  CHECK_THROWS_WITH(checked_element_count(Dims(9, 1)), "rank 9 exceeds the maximum rank 8");
  CHECK_THROWS_AS(Tensor(DType::Float32, {1000000, 1000000, 1000}), AllocationError);
  CHECK_THROWS_WITH(Tensor(DType::Float32, {1000000, 1000000, 1000}),
                    "a float32 tensor of shape [1000000,1000000,1000] needs 3.6 PiB, over the limit of 4.0 GiB per tensor");

  const std::int64_t saved = max_tensor_bytes();
  set_max_tensor_bytes(1024);
  CHECK_NOTHROW(Tensor(DType::Float32, {256}));
  CHECK_THROWS_AS(Tensor(DType::Float32, {257}), AllocationError);
  set_max_tensor_bytes(saved);
}

TEST_CASE("tensor literals: flat, nested, fill, scalar", "[tensor][literal]") {
  Tensor flat = parse_tensor_literal("1,2,3,4", DType::Float32, Dims{2, 2});
  CHECK(flat.dims() == Dims{2, 2});
  CHECK(flat.data<float>()[3] == 4.0f);

  Tensor nested = parse_tensor_literal("{{1,2,3},{4,5,6}}", DType::Int32, std::nullopt);
  CHECK(nested.dims() == Dims{2, 3});
  CHECK(nested.data<std::int32_t>()[4] == 5);
  CHECK(parse_tensor_literal("[[[1],[2]]]", DType::Int64, std::nullopt).dims() == Dims{1, 2, 1});

  Tensor filled = parse_tensor_literal("0.5", DType::Float64, Dims{3, 2});
  for (double v : filled.values<double>()) CHECK(v == 0.5);

  CHECK(parse_tensor_literal("7", DType::Int32, std::nullopt).dims() == Dims{});
  CHECK(parse_tensor_literal("1 2 3", DType::UInt8, std::nullopt).dims() == Dims{3});
  CHECK(parse_tensor_literal("true,0,1,FALSE", DType::Bool, std::nullopt).data<bool>()[0]);
  CHECK(static_cast<float>(parse_tensor_literal("1.5", DType::BFloat16, std::nullopt).data<Eigen::bfloat16>()[0]) == 1.5f);
  CHECK(static_cast<float>(parse_tensor_literal("-2.25", DType::Float16, std::nullopt).data<Eigen::half>()[0]) == -2.25f);
}

TEST_CASE("tensor literal errors say what is wrong", "[tensor][literal]") {
  CHECK_THROWS_WITH(parse_tensor_literal("1,2,3", DType::Float32, Dims{2, 2}),
                    "value has 3 elements, but shape [2,2] needs 4 (or a single value to fill it)");
  CHECK_THROWS_WITH(parse_tensor_literal("{{1,2},{3}}", DType::Float32, std::nullopt),
                    "value \"{{1,2},{3}}\": rows of different lengths ([2] vs [1]) at character 11");
  CHECK_THROWS_WITH(parse_tensor_literal("{{1,2},{3,4}", DType::Float32, std::nullopt),
                    "value \"{{1,2},{3,4}\": missing closing brace at character 13");
  CHECK_THROWS_WITH(parse_tensor_literal("1,abc", DType::Float32, std::nullopt),
                    "element 1 \"abc\" is not a valid float32 value");
  CHECK_THROWS_WITH(parse_tensor_literal("300", DType::UInt8, std::nullopt),
                    "element 0 \"300\" is not a valid uint8 value");
  CHECK_THROWS_AS(parse_tensor_literal("1", DType::Float32, Dims{1000000, 1000000, 1000}), AllocationError);
}
