// Depthwise kernels for AVX-512 F/BW/VL (Skylake-SP, Zen 4 and later): 32 registers hold bigger tiles.
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
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")
// Let a * b + c become one fused multiply-add (ISO C++ mode turns contraction off).
#pragma GCC optimize("fp-contract=fast")
#define DW_VECTOR_BYTES 64  // bytes per vector register
#define DW_PIXELS 8         // output pixels per register tile
#define DW_CHANNEL_VECTORS 2  // channel vectors per register tile, at most

namespace blockflow::depthwise::avx512 {
namespace {
#include "blocks/depthwise_kernel_impl.inc"
}  // namespace
}  // namespace blockflow::depthwise::avx512
#pragma GCC pop_options

namespace blockflow::depthwise {

const Kernels& avx512_kernels() {
  static const Kernels kernels = avx512::make_kernels("avx512");
  return kernels;
}

}  // namespace blockflow::depthwise
#endif
