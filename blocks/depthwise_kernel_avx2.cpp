// Depthwise kernels for AVX2 + FMA + F16C (Haswell, Zen 1 and later).
// The instruction set is chosen by the pragmas below, after the library headers, so only our
// kernels use it; depthwise_kernel.cpp calls them only when the CPU has it.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "blocks/depthwise_kernel_table.h"

// GCC only: clang ignores "#pragma GCC target", so its builds (the fuzzers) run the portable path.
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
// Let a * b + c become one fused multiply-add (ISO C++ mode turns contraction off).
#pragma GCC optimize("fp-contract=fast")
#define DW_VECTOR_BYTES 32  // bytes per vector register
#define DW_PIXELS 6         // output pixels per register tile
#define DW_CHANNEL_VECTORS 2  // channel vectors per register tile, at most

namespace blockflow::depthwise::avx2 {
namespace {
#include "blocks/depthwise_kernel_impl.inc"
}  // namespace
}  // namespace blockflow::depthwise::avx2
#pragma GCC pop_options

namespace blockflow::depthwise {

const Kernels& avx2_kernels() {
  static const Kernels kernels = avx2::make_kernels("avx2");
  return kernels;
}

}  // namespace blockflow::depthwise
#endif
