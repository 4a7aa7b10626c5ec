#pragma once
// Where tensor storage comes from. Tensors below 1 MiB come from the C heap. Freed blocks of 1 MiB
// and more are kept on a shelf, up to a bound, and handed out again for the same size: glibc gave
// such blocks back to the kernel (mmap above 32 MiB, heap trimming and regrowth below), so each
// run's outputs faulted in and zeroed fresh pages. Measured on 512x512x16 3x3 layers, 3,300 page
// faults per call; a float64 layer spent more time in them than in its arithmetic.
#include <cstddef>
#include <cstdint>

namespace blockflow {

// A 64-byte aligned block of exactly `bytes`.
std::byte* allocate_tensor_block(std::size_t bytes);
void free_tensor_block(std::byte* block, std::size_t bytes);

// Bytes of freed large blocks kept for reuse now, and the most that is ever kept.
std::int64_t kept_tensor_block_bytes();
inline constexpr std::int64_t kMaxKeptTensorBlockBytes = std::int64_t{256} << 20;
// Whether freed large blocks are kept at all: not under AddressSanitizer, whose use-after-free
// reports need every free to be real.
bool tensor_blocks_are_kept();

}  // namespace blockflow
