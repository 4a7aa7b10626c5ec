// Depthwise kernels for SSE2 only: any x86-64 (and any other GCC target, as plain vectors).
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

#if !defined(__clang__)  // clang contracts a * b + c within one expression by default
#pragma GCC push_options
// Let a * b + c become one fused multiply-add (ISO C++ mode turns contraction off).
#pragma GCC optimize("fp-contract=fast")
#endif
#define DW_VECTOR_BYTES 16  // bytes per vector register
#define DW_PIXELS 4         // output pixels per register tile
#define DW_CHANNEL_VECTORS 2  // channel vectors per register tile, at most

namespace blockflow::depthwise::portable {
namespace {
#include "blocks/depthwise_kernel_impl.inc"
}  // namespace
}  // namespace blockflow::depthwise::portable
#if !defined(__clang__)
#pragma GCC pop_options
#endif

namespace blockflow::depthwise {

const Kernels& portable_kernels() {
  static const Kernels kernels = portable::make_kernels("portable");
  return kernels;
}

}  // namespace blockflow::depthwise
