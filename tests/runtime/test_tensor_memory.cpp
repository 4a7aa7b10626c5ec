#include <catch2/catch.hpp>

#include "runtime/tensor.h"
#include "runtime/tensor_memory.h"

using namespace blockflow;

namespace {
constexpr std::int64_t kLargeFloats = std::int64_t{10} << 20;  // 40 MiB of float32
}

TEST_CASE("A freed large tensor's block is kept and handed to the next tensor of that size", "[tensor]") {
  if (!tensor_blocks_are_kept()) {
    WARN("built with AddressSanitizer: large blocks are freed for real, nothing to check");
    return;
  }
  const void* first_block = nullptr;
  {
    Tensor first = Tensor::uninitialized(DType::Float32, {kLargeFloats});
    first_block = first.raw_data();
    first.data<float>()[0] = 1.0f;
  }
  const std::int64_t kept = kept_tensor_block_bytes();
  CHECK(kept >= kLargeFloats * 4);
  Tensor second = Tensor::uninitialized(DType::Float32, {kLargeFloats});
  CHECK(second.raw_data() == first_block);
  CHECK(kept_tensor_block_bytes() == kept - (kLargeFloats * 4 + 64));
  // A zero-filled tensor from a reused block is still all zeros.
  second.data<float>()[5] = 3.0f;
  const void* reused = second.raw_data();
  second = Tensor();
  Tensor zeros(DType::Float32, {kLargeFloats});
  CHECK(zeros.raw_data() == reused);
  CHECK(zeros.data<float>()[5] == 0.0f);
}

TEST_CASE("Kept large blocks never exceed their bound, and live bytes count only live tensors", "[tensor]") {
  const std::int64_t live_before = live_tensor_bytes();
  {
    std::vector<Tensor> many;
    for (int i = 0; i < 10; ++i) many.push_back(Tensor::uninitialized(DType::Float32, {kLargeFloats + i * 1024}));
    CHECK(live_tensor_bytes() - live_before >= 10 * kLargeFloats * 4);
  }
  CHECK(live_tensor_bytes() == live_before);
  CHECK(kept_tensor_block_bytes() <= kMaxKeptTensorBlockBytes);
  if (tensor_blocks_are_kept()) CHECK(kept_tensor_block_bytes() > 0);
  else CHECK(kept_tensor_block_bytes() == 0);
}
