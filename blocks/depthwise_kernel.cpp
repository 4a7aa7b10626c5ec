#include "blocks/depthwise_kernel.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <optional>
#include <unistd.h>
#include <type_traits>
#include <vector>

#include "blocks/cache_size.h"
#include "blocks/depthwise_isa.h"
#include "blocks/depthwise_kernel_table.h"
#include "blocks/depthwise_streaming.h"
#include "blocks/depthwise_work_items.h"
#include "runtime/error.h"

// Layout and type plumbing around the per-ISA kernels (depthwise_kernel_table.h): choose the
// instruction set once, bring input and filter into the layout the kernel wants in float or
// double, split the work over the executor's pool, and convert the result back when needed.

namespace blockflow {

namespace {

using depthwise::ConvShape;
using depthwise::Kernels;
using depthwise::Storage;

// ------------------------------------------------------------------------------------------
// Instruction set choice

// The AVX2 and AVX-512 kernels are compiled by GCC only (they rely on "#pragma GCC target");
// clang builds, such as the fuzzers', have the portable path alone.
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__clang__)
#define BLOCKFLOW_DEPTHWISE_X86_PATHS 1
#else
#define BLOCKFLOW_DEPTHWISE_X86_PATHS 0
#endif

bool cpu_runs(DepthwiseIsa isa) {
#if BLOCKFLOW_DEPTHWISE_X86_PATHS
  switch (isa) {
    case DepthwiseIsa::Auto:
    case DepthwiseIsa::Portable: return true;
    case DepthwiseIsa::Avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    case DepthwiseIsa::Avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && cpu_runs(DepthwiseIsa::Avx2);
  }
  return false;
#else
  return isa == DepthwiseIsa::Auto || isa == DepthwiseIsa::Portable;
#endif
}

DepthwiseIsa best_isa() {
  for (DepthwiseIsa isa : {DepthwiseIsa::Avx512, DepthwiseIsa::Avx2})
    if (cpu_runs(isa)) return isa;
  return DepthwiseIsa::Portable;
}

DepthwiseIsa isa_from_environment() {
  const char* text = std::getenv("BLOCKFLOW_DEPTHWISE_ISA");
  if (!text) return best_isa();
  for (DepthwiseIsa isa : {DepthwiseIsa::Portable, DepthwiseIsa::Avx2, DepthwiseIsa::Avx512})
    if (depthwise_isa_name(isa) == text && cpu_runs(isa)) return isa;
  return best_isa();  // unknown or unsupported: the default, rather than a crash later
}

std::atomic<DepthwiseIsa>& chosen_isa() {
  static std::atomic<DepthwiseIsa> isa{isa_from_environment()};
  return isa;
}

const Kernels& kernels_for(DepthwiseIsa isa) {
#if BLOCKFLOW_DEPTHWISE_X86_PATHS
  if (isa == DepthwiseIsa::Avx512) return depthwise::avx512_kernels();
  if (isa == DepthwiseIsa::Avx2) return depthwise::avx2_kernels();
#else
  (void)isa;  // cpu_runs() admits only the portable path here
#endif
  return depthwise::portable_kernels();
}

// ------------------------------------------------------------------------------------------
// Scratch memory of the calling thread: grows to the largest call, then is reused, so steady
// runs allocate nothing but the output tensor.

class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { release(); }
  template <typename A>
  A* get(std::int64_t count) {
    const auto bytes = static_cast<std::size_t>(count) * sizeof(A);
    if (bytes > size_) {
      release();
      data_ = ::operator new(bytes, std::align_val_t{64});
      size_ = bytes;
    }
    return static_cast<A*>(data_);
  }

 private:
  void release() {
    if (data_) ::operator delete(data_, std::align_val_t{64});
    data_ = nullptr;
    size_ = 0;
  }
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

struct CallScratch {
  Scratch input, filter, paired_filter, output, transposed_input, transposed_output;
};
thread_local CallScratch call_scratch;

// ------------------------------------------------------------------------------------------
// Element types

// Compute type for a storage type: double for double, float for the rest.
template <typename T>
using Compute = std::conditional_t<std::is_same_v<T, double>, double, float>;

template <typename T>
constexpr Storage storage_of() {
  if constexpr (std::is_same_v<T, double>) return Storage::Float64;
  else if constexpr (std::is_same_v<T, Eigen::half>) return Storage::Half;
  else if constexpr (std::is_same_v<T, Eigen::bfloat16>) return Storage::BFloat16;
  else return Storage::Float32;
}

// Converts `count` contiguous values to the compute type.
template <typename T, typename A>
void to_compute(const Kernels& k, const T* from, A* to, std::int64_t count) {
  const auto* bits = reinterpret_cast<const std::uint16_t*>(from);
  if constexpr (std::is_same_v<T, Eigen::half>) k.half_to_float(bits, to, count);
  else if constexpr (std::is_same_v<T, Eigen::bfloat16>) k.bf16_to_float(bits, to, count);
  else std::memcpy(to, from, static_cast<std::size_t>(count) * sizeof(A));
}

template <typename T, typename A>
void from_compute(const Kernels& k, const A* from, T* to, std::int64_t count) {
  auto* bits = reinterpret_cast<std::uint16_t*>(to);
  if constexpr (std::is_same_v<T, Eigen::half>) k.float_to_half(from, bits, count);
  else if constexpr (std::is_same_v<T, Eigen::bfloat16>) k.float_to_bf16(from, bits, count);
  else std::memcpy(to, from, static_cast<std::size_t>(count) * sizeof(A));
}

// ------------------------------------------------------------------------------------------
// Work splitting

void run_parallel(const KernelContext* context, std::int64_t total, std::int64_t min_chunk,
                  const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (total <= 0) return;
  auto checked = [&](std::int64_t begin, std::int64_t end) {
    body(begin, end);
    if (context) context->check_cancelled();
  };
  if (context) context->parallel_for(total, std::max<std::int64_t>(1, min_chunk), checked);
  else checked(0, total);
}

// Input and output together beyond a quarter of the last-level cache (the L3 size sysfs gives;
// 32 MiB where nothing says), and never beyond 56 MiB (streaming_threshold_bytes): the output
// would not stay in the cache for the next layer for long (the L3 is shared), and its lines
// cost a read from L3 or memory before they are written, so the kernels store it around the
// caches. On the AMD VM (32 MiB): NHWC batch 8 56x56x128 753 -> 506 us, 512x512x16 1782 ->
// 1005 us, batch 4 (12.8 MB) 252 -> 224 us, float16 batch 8 (12.8 MB) 673 -> 458 us. Below, the
// output is left in the cache for whoever reads it next, though a layer run over and over alone
// would still gain (batch 2, 6.4 MB: 128 -> 104 us).
std::atomic<std::int64_t> streaming_threshold_for_testing{0};

bool beyond_caches(std::int64_t bytes) {
  static const std::int64_t l3_bytes =
      reported_cache_bytes(3, _SC_LEVEL3_CACHE_SIZE, std::int64_t{32} << 20);
  static const std::int64_t threshold = streaming_threshold_bytes(l3_bytes);
  const std::int64_t forced = streaming_threshold_for_testing.load(std::memory_order_relaxed);
  return bytes > (forced > 0 ? forced : threshold);
}

// Input and output together well beyond one core's L2 (1.5 times its size; 1 MiB where the
// system does not say): the tiles then ask for the input row of the next output row ahead,
// which comes from L3 (Intel machine, 2 MiB of L2: 112x112x32 115 -> 108 us, 56x56x128
// 125 -> 116 us, 112x112x64 s2 147 -> 140 us). Where input and output fit in L2, the prefetches
// only take load slots (5x5 56x56x96, 2.4 MB: 128 -> 134 us).
std::int64_t l2_bytes() {
  static const std::int64_t bytes =
      reported_cache_bytes(2, _SC_LEVEL2_CACHE_SIZE, std::int64_t{1} << 20);
  return bytes;
}

bool beyond_l2(std::int64_t bytes) { return 2 * bytes > 3 * l2_bytes(); }

// Input and output together beyond 8 times one core's L2 (16 MiB on the Intel machine), and
// not streamed: the output lines come from L3 or memory before they are written, so the AVX-512
// input-reusing tiles ask for the lines of the next output row ahead (Intel machine, one thread,
// pinned, min of 11 calls, 4 alternating runs: 512x512x16 1350 -> 1250 us, batch 8 56x56x128
// 975 -> 955 us). Nearer the L2 the rows' lines are still in L2 or L3 when written.
bool far_beyond_l2(std::int64_t bytes) { return bytes > 8 * l2_bytes(); }

// Enough work per chunk (~100k multiply-adds) that splitting pays for itself.
std::int64_t min_chunk_for(std::int64_t cost_per_item) {
  return std::max<std::int64_t>(1, 100000 / std::max<std::int64_t>(1, cost_per_item));
}

ConvShape conv_shape(const DepthwiseGeometry& g, std::int64_t depth) {
  return {g.batch,    g.in_rows,  g.in_cols,    depth,        g.filter_rows, g.filter_cols, g.out_rows,
          g.out_cols, g.stride_h, g.stride_w,   g.dilation_h, g.dilation_w,  g.pad_top,     g.pad_left};
}

// ------------------------------------------------------------------------------------------
// NHWC

template <typename A>
void repeat(const Kernels& k, const A* from, A* to, std::int64_t count, std::int64_t multiplier) {
  if constexpr (std::is_same_v<A, double>) k.repeat_f64(from, to, count, multiplier);
  else k.repeat_f32(from, to, count, multiplier);
}

// One pixel's channels, each repeated M times, converted on the way through a small stack buffer.
template <typename T, typename A>
void repeat_pixel(const Kernels& k, const T* from, A* to, std::int64_t depth, std::int64_t multiplier) {
  if constexpr (std::is_same_v<T, A>) {
    repeat(k, from, to, depth, multiplier);
  } else {
    constexpr std::int64_t kSlice = 512;
    A staging[kSlice];
    for (std::int64_t c = 0; c < depth; c += kSlice) {
      const std::int64_t count = std::min(kSlice, depth - c);
      to_compute(k, from + c, staging, count);
      repeat(k, staging, to + c * multiplier, count, multiplier);
    }
  }
}

// Input pixels whose size is a multiple of 4 KiB all map to the same L1 cache set. They are read
// as they are: the tiles ask for the next block of channels ahead (NhwcJob::aliased_pixels).
// A copy with one cache line between pixels, which wide images at column stride 1 used to get,
// cost more than it saved once the tiles went down columns of tiles: on the Intel machine
// without it double 14x14x512 ran 101 -> 57 us, float 14x14x1024 101 -> 59 us, float
// 28x28x1024 603 -> 415 us.

// How the kernel's copy of the input is laid out, when it gets one: zero-padded on every side
// so that no pixel is a border pixel (whose narrowed taps run one pixel at a time), channels
// repeated M times, pixels `stride` elements apart.
struct PaddedInput {
  std::int64_t rows, cols, top, left, stride;
};

// A copy is made only when the input is not usable as is (other type, multiplier, 4 KiB pixels):
// copying costs about as much as a strided layer's arithmetic. A copy is padded, since that is
// free then.
template <typename T, typename A>
std::optional<PaddedInput> padded_input_layout(const DepthwiseGeometry& g, std::int64_t depth) {
  const bool copied = !std::is_same_v<T, A> || g.multiplier != 1;
  if (!copied) return std::nullopt;
  PaddedInput layout{0, 0, g.pad_top, g.pad_left, depth};
  layout.rows = std::max(g.in_rows + g.pad_top, (g.out_rows - 1) * g.stride_h + (g.filter_rows - 1) * g.dilation_h + 1);
  layout.cols = std::max(g.in_cols + g.pad_left, (g.out_cols - 1) * g.stride_w + (g.filter_cols - 1) * g.dilation_w + 1);
  return layout;
}

// Copies the input into `target` as `layout` says, in the compute type.
template <typename T, typename A>
void copy_padded_input(const Kernels& k, const T* source, const DepthwiseGeometry& g, const PaddedInput& layout,
                       A* target, const KernelContext* context) {
  const std::int64_t depth = g.in_depth, m = g.multiplier, stride = layout.stride;
  const std::int64_t row_values = layout.cols * stride;
  auto zero = [](A* from, std::int64_t count) { std::memset(from, 0, static_cast<std::size_t>(count) * sizeof(A)); };
  auto copy_row = [&](std::int64_t padded_row) {
    const std::int64_t n = padded_row / layout.rows, ih = padded_row % layout.rows - layout.top;
    A* to = target + padded_row * row_values;
    if (ih < 0 || ih >= g.in_rows) return zero(to, row_values);
    zero(to, layout.left * stride);
    const T* from = source + (n * g.in_rows + ih) * g.in_cols * depth;
    A* pixels = to + layout.left * stride;
    if (m == 1 && stride == depth) {
      to_compute(k, from, pixels, g.in_cols * depth);
    } else {
      for (std::int64_t iw = 0; iw < g.in_cols; ++iw) {
        if (m == 1) to_compute(k, from + iw * depth, pixels + iw * stride, depth);
        else repeat_pixel(k, from + iw * depth, pixels + iw * stride, depth, m);
      }
    }
    const std::int64_t filled = (layout.left + g.in_cols) * stride;
    zero(to + filled, row_values - filled);
  };
  run_parallel(context, g.batch * layout.rows, min_chunk_for(row_values * 4), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) copy_row(r);
  });
}

// Points the job at the input as the kernel reads it: the tensor itself when it will do, else a
// padded copy, in which case the job's geometry becomes that of the copy (no padding left).
template <typename T, typename A>
void set_nhwc_input(const Kernels& k, const T* source, const DepthwiseGeometry& g, depthwise::NhwcJob<A>& job,
                    const KernelContext* context) {
  const auto layout = padded_input_layout<T, A>(g, job.shape.depth);
  if (!layout) {
    job.input = reinterpret_cast<const A*>(source);
    job.input_pixel_stride = job.shape.depth;
    return;
  }
  A* target = call_scratch.input.get<A>(g.batch * layout->rows * layout->cols * layout->stride);
  copy_padded_input<T, A>(k, source, g, *layout, target, context);
  job.input = target;
  job.input_pixel_stride = layout->stride;
  job.shape.in_rows = layout->rows;
  job.shape.in_cols = layout->cols;
  job.shape.pad_top = job.shape.pad_left = 0;
}

template <typename T, typename A>
const A* filter_in_compute_type(const Kernels& k, const Tensor& filter) {
  const T* source = filter.data<T>();
  if constexpr (std::is_same_v<T, A>) {
    return source;
  } else {
    A* target = call_scratch.filter.get<A>(filter.element_count());
    to_compute(k, source, target, filter.element_count());
    return target;
  }
}

// Work items [begin, end) of a job, on the kernel set's function for the job's element types.
void run_items(const Kernels& k, const depthwise::NhwcJob<float>& job, std::int64_t begin, std::int64_t end) {
  k.nhwc_f32(job, begin, end);
}
void run_items(const Kernels& k, const depthwise::NhwcJob<double>& job, std::int64_t begin, std::int64_t end) {
  k.nhwc_f64(job, begin, end);
}
void run_items(const Kernels& k, const depthwise::NhwcJob<float, depthwise::HalfBits>& job, std::int64_t begin,
               std::int64_t end) {
  k.nhwc_half(job, begin, end);
}
void run_items(const Kernels& k, const depthwise::NhwcJob<float, depthwise::BFloat16Bits>& job, std::int64_t begin,
               std::int64_t end) {
  k.nhwc_bf16(job, begin, end);
}
void run_items(const Kernels& k, const depthwise::NhwcJob<float, depthwise::RepeatedTwice<float>, float>& job,
               std::int64_t begin, std::int64_t end) {
  k.nhwc_f32_repeated(job, begin, end);
}
void run_items(const Kernels& k, const depthwise::NhwcJob<double, depthwise::RepeatedTwice<double>, double>& job,
               std::int64_t begin, std::int64_t end) {
  k.nhwc_f64_repeated(job, begin, end);
}
void run_items(const Kernels& k,
               const depthwise::NhwcJob<float, depthwise::RepeatedTwice<depthwise::HalfBits>, depthwise::HalfBits>& job,
               std::int64_t begin, std::int64_t end) {
  k.nhwc_half_repeated(job, begin, end);
}
void run_items(
    const Kernels& k,
    const depthwise::NhwcJob<float, depthwise::RepeatedTwice<depthwise::BFloat16Bits>, depthwise::BFloat16Bits>& job,
    std::int64_t begin, std::int64_t end) {
  k.nhwc_bf16_repeated(job, begin, end);
}

// Work items split the channels into groups of as many channels as 8 float vectors hold (128
// with AVX-512; the last group takes the remainder), for double too: groups of 8 double vectors,
// half of a 128-channel pixel, ran 3-14% slower than whole 128-channel groups (56x56x128 and
// 28x28x256 s1 and s2, batch 8).
template <typename A, typename In, typename Out>
void set_channel_groups(const Kernels& k, depthwise::NhwcJob<A, In, Out>& job) {
  job.group_size = 8 * k.float_lanes;
  job.channel_groups = std::max<std::int64_t>(1, job.shape.depth / job.group_size);
}

// Splits a job whose input, filter and output are set into work items (row blocks x channel
// groups; channel groups and blocks of a few rows give both threads work on deep layers with few
// rows) and runs them over the pool.
template <typename A, typename In, typename Out>
void run_job(const Kernels& k, depthwise::NhwcJob<A, In, Out>& job, const DepthwiseGeometry& g,
             const KernelContext* context) {
  set_channel_groups(k, job);
  const std::int64_t row_cost = g.out_cols * std::min(job.group_size, job.shape.depth) * g.filter_rows * g.filter_cols;
  job.rows_per_item =
      rows_per_work_item(g.batch * job.channel_groups, g.out_rows, row_cost, context ? context->workers() : 1);
  const std::int64_t blocks_per_image = (g.out_rows + job.rows_per_item - 1) / job.rows_per_item;
  const std::int64_t items = g.batch * blocks_per_image * job.channel_groups;
  const std::int64_t item_cost = job.rows_per_item * row_cost;
  run_parallel(context, items, min_chunk_for(item_cost),
               [&](std::int64_t begin, std::int64_t end) { run_items(k, job, begin, end); });
}

// The bits type the tiles read a 16-bit tensor type as; void for the others.
template <typename T>
struct BitsOfT {
  using type = void;
};
template <>
struct BitsOfT<Eigen::half> {
  using type = depthwise::HalfBits;
};
template <>
struct BitsOfT<Eigen::bfloat16> {
  using type = depthwise::BFloat16Bits;
};
template <typename T>
using BitsOf = typename BitsOfT<T>::type;

// Whether the tiles can read the input tensor as it is, converting (16-bit types) or repeating
// channels (multiplier 2) in registers: they do that cheaply for this shape.
bool runs_in_place(const Kernels& k, const DepthwiseGeometry& g) {
  return k.converts_in_tiles(conv_shape(g, g.out_depth()));
}

// Points a job at an input tensor of `value_bytes` values that its tiles read as they are.
template <typename A, typename In, typename Out>
void set_in_place_input(depthwise::NhwcJob<A, In, Out>& job, const DepthwiseGeometry& g, const void* source,
                        std::int64_t value_bytes) {
  job.shape = conv_shape(g, g.out_depth());
  job.input = static_cast<const In*>(source);
  job.input_pixel_stride = job.shape.depth;  // in units of In: the input's own pixel size
  const std::int64_t in_values = g.batch * g.in_rows * g.in_cols * g.in_depth;
  const std::int64_t out_values = g.batch * g.out_rows * g.out_cols * g.out_depth();
  job.large = beyond_caches((in_values + out_values) * value_bytes);
  job.prefetch_rows = beyond_l2((in_values + out_values) * value_bytes);
  job.prefetch_writes = !job.large && far_beyond_l2((in_values + out_values) * value_bytes);
  job.aliased_pixels = g.in_depth * value_bytes % 4096 == 0;
}

// The filter in the order the tiles widen bfloat16 blocks of two vectors (NhwcJob::paired_filter):
// within each whole block of 2 * lanes channels, the even channels first, then the odd ones.
const float* paired_filter(const float* filter, std::int64_t taps, std::int64_t depth, std::int64_t lanes) {
  float* target = call_scratch.paired_filter.get<float>(taps * depth);
  const std::int64_t block = 2 * lanes;
  for (std::int64_t t = 0; t < taps; ++t) {
    const float* from = filter + t * depth;
    float* to = target + t * depth;
    std::int64_t c = 0;
    for (; c + block <= depth; c += block) {
      for (std::int64_t i = 0; i < lanes; ++i) {
        to[c + i] = from[c + 2 * i];
        to[c + lanes + i] = from[c + 2 * i + 1];
      }
    }
    for (; c < depth; ++c) to[c] = from[c];
  }
  return target;
}

// 16-bit tensors read and written in place by the tiles, which convert in registers: no copy of
// the input in float, no float output to convert back. In: the input as BitsOf<T> (multiplier 1)
// or RepeatedTwice of it (multiplier 2).
template <typename T, typename In>
void run_16bit_in_place(const Kernels& k, const T* source, const Tensor& filter, const DepthwiseGeometry& g,
                        T* target, const KernelContext* context) {
  using Bits = BitsOf<T>;
  depthwise::NhwcJob<float, In, Bits> job;
  set_in_place_input(job, g, source, sizeof(T));
  job.output = reinterpret_cast<Bits*>(target);
  job.filter = filter_in_compute_type<T, float>(k, filter);
  if constexpr (std::is_same_v<In, depthwise::BFloat16Bits>)
    job.paired_filter = paired_filter(job.filter, g.filter_rows * g.filter_cols, g.in_depth, k.float_lanes);
  run_job(k, job, g, context);
}

// Multiplier 2 in float or double: the tiles repeat each input channel in registers instead of
// reading a copy with every channel repeated.
template <typename T>
void run_repeated_in_place(const Kernels& k, const T* source, const Tensor& filter, const DepthwiseGeometry& g,
                           T* target, const KernelContext* context) {
  depthwise::NhwcJob<T, depthwise::RepeatedTwice<T>, T> job;
  set_in_place_input(job, g, source, sizeof(T));
  job.output = target;
  job.filter = filter.data<T>();  // [KH, KW, C, 2]: the repeated channels' order already
  run_job(k, job, g, context);
}

// NHWC input `source` (N x H x W x C) to NHWC `target` (N x OH x OW x C*M), both of type T.
template <typename T>
void run_nhwc(const Kernels& k, const T* source, const Tensor& filter, const DepthwiseGeometry& g, T* target,
              std::int64_t out_count, const KernelContext* context) {
  if constexpr (!std::is_void_v<BitsOf<T>>) {
    using Bits = BitsOf<T>;
    if (g.multiplier == 1 && runs_in_place(k, g))
      return run_16bit_in_place<T, Bits>(k, source, filter, g, target, context);
    if (g.multiplier == 2 && runs_in_place(k, g))
      return run_16bit_in_place<T, depthwise::RepeatedTwice<Bits>>(k, source, filter, g, target, context);
  } else {
    if (g.multiplier == 2 && runs_in_place(k, g))
      return run_repeated_in_place(k, source, filter, g, target, context);
  }
  using A = Compute<T>;
  depthwise::NhwcJob<A> job;
  job.shape = conv_shape(g, g.out_depth());
  set_nhwc_input<T, A>(k, source, g, job, context);
  const auto in_bytes =
      g.batch * job.shape.in_rows * job.shape.in_cols * job.input_pixel_stride * static_cast<std::int64_t>(sizeof(A));
  job.large = beyond_caches(in_bytes + out_count * static_cast<std::int64_t>(sizeof(A)));
  job.prefetch_rows = beyond_l2(in_bytes + out_count * static_cast<std::int64_t>(sizeof(A)));
  job.prefetch_writes =
      !job.large && far_beyond_l2(in_bytes + out_count * static_cast<std::int64_t>(sizeof(A)));
  job.aliased_pixels = job.input_pixel_stride * static_cast<std::int64_t>(sizeof(A)) % 4096 == 0;
  job.filter = filter_in_compute_type<T, A>(k, filter);
  job.output = std::is_same_v<T, A> ? reinterpret_cast<A*>(target) : call_scratch.output.get<A>(out_count);
  run_job(k, job, g, context);
  if constexpr (!std::is_same_v<T, A>) {
    run_parallel(context, out_count, 65536, [&](std::int64_t begin, std::int64_t end) {
      from_compute(k, job.output + begin, target + begin, end - begin);
    });
  }
}

// Tiles of a transpose: 16 rows (one whole cache line of each target row) by 64 columns (so the
// 64 target lines being filled stay in L1).
constexpr std::int64_t kTransposeRows = 16, kTransposeCols = 64;

// Rows [row, row + 16) of a rows x cols matrix (row stride from_stride) into the target's
// columns (row stride to_stride), tile by tile.
void transpose_strip(const Kernels& k, const float* from, std::int64_t from_stride, float* to, std::int64_t to_stride,
                     std::int64_t rows, std::int64_t cols, std::int64_t row) {
  for (std::int64_t col = 0; col < cols; col += kTransposeCols)
    k.transpose_f32(from + row * from_stride + col, from_stride, to + col * to_stride + row, to_stride,
                    std::min(kTransposeRows, rows - row), std::min(kTransposeCols, cols - col));
}

void transpose_tiled(const Kernels& k, const float* from, std::int64_t from_stride, float* to, std::int64_t to_stride,
                     std::int64_t rows, std::int64_t cols) {
  for (std::int64_t row = 0; row < rows; row += kTransposeRows)
    transpose_strip(k, from, from_stride, to, to_stride, rows, cols, row);
}

// Transposes each of `batch` matrices rows x cols (contiguous) into cols x rows, split over the
// pool in strips of 16 rows.
void transpose_batch(const Kernels& k, const float* from, float* to, std::int64_t batch, std::int64_t rows,
                     std::int64_t cols, const KernelContext* context) {
  const std::int64_t strips = (rows + kTransposeRows - 1) / kTransposeRows;
  run_parallel(context, batch * strips, min_chunk_for(kTransposeRows * cols), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t item = begin; item < end; ++item) {
      const std::int64_t n = item / strips, row = item % strips * kTransposeRows;
      transpose_strip(k, from + n * rows * cols, cols, to + n * cols * rows, rows, rows, cols, row);
    }
  });
}

// ------------------------------------------------------------------------------------------
// NCHW: the kernel reads and writes the tensors' own types plane by plane.

template <typename T>
void run_nchw_planes(const Kernels& k, const Tensor& input, const Tensor& filter, const DepthwiseGeometry& g,
                     Tensor& output, const KernelContext* context) {
  using A = Compute<T>;
  depthwise::NchwJob job;
  job.shape = conv_shape(g, g.in_depth);
  job.multiplier = g.multiplier;
  job.storage = storage_of<T>();
  job.input = input.raw_data();
  job.filter = filter_in_compute_type<T, A>(k, filter);
  job.output = output.raw_data();
  const std::int64_t plane_cost = g.out_rows * g.out_cols * g.multiplier * g.filter_rows * g.filter_cols;
  run_parallel(context, g.batch * g.in_depth, min_chunk_for(plane_cost),
               [&](std::int64_t begin, std::int64_t end) { k.nchw(job, begin, end); });
}

// Small or strided float planes: the plane kernel's per-plane work (padding, splitting into
// stride phases) would dominate, so transpose to NHWC, run the NHWC kernel, transpose back.
void run_nchw_transposed(const Kernels& k, const Tensor& input, const Tensor& filter, const DepthwiseGeometry& g,
                         Tensor& output, const KernelContext* context) {
  const std::int64_t in_plane = g.in_rows * g.in_cols, out_plane = g.out_rows * g.out_cols;
  float* nhwc_in = call_scratch.transposed_input.get<float>(g.batch * in_plane * g.in_depth);
  float* nhwc_out = call_scratch.transposed_output.get<float>(output.element_count());
  transpose_batch(k, input.data<float>(), nhwc_in, g.batch, g.in_depth, in_plane, context);
  run_nhwc<float>(k, nhwc_in, filter, g, nhwc_out, output.element_count(), context);
  transpose_batch(k, nhwc_out, output.data<float>(), g.batch, out_plane, g.out_depth(), context);
}

// Bytes of one band's input and output rows: small enough to stay in L2 between the transpose
// that writes them and the tiles that read them.
constexpr std::int64_t kBandBytes = 256 << 10;

// Floats between pixels of a band: an odd number of cache lines, so that the 64 pixels a transpose
// tile writes fall into different L1 sets (at 128 or 512 channels they shared 8 or 2 of the 64
// sets, and the transpose ran at a quarter of its speed).
std::int64_t band_pixel_stride(std::int64_t depth) {
  const std::int64_t lines = (depth + 15) / 16;
  return (lines % 2 ? lines : lines + 1) * 16;
}

// Output rows [r0, r1) of image n, NCHW float, multiplier 1: the input rows they read are
// transposed into an NHWC buffer, convolved by the NHWC kernel, and transposed back.
void run_nchw_band(const Kernels& k, const float* input, const float* filter, const DepthwiseGeometry& g,
                   float* output, std::int64_t n, std::int64_t r0, std::int64_t r1) {
  const std::int64_t depth = g.in_depth, pixel = band_pixel_stride(depth);
  const std::int64_t first = r0 * g.stride_h - g.pad_top;  // input row of the band's first window
  const std::int64_t last = (r1 - 1) * g.stride_h - g.pad_top + (g.filter_rows - 1) * g.dilation_h;
  const std::int64_t ih0 = std::clamp<std::int64_t>(first, 0, g.in_rows);
  const std::int64_t ih1 = std::clamp<std::int64_t>(last + 1, ih0, g.in_rows);
  const std::int64_t in_plane = g.in_rows * g.in_cols, out_plane = g.out_rows * g.out_cols;
  float* band_in = call_scratch.transposed_input.get<float>(std::max<std::int64_t>(1, (ih1 - ih0) * g.in_cols * pixel));
  float* band_out = call_scratch.transposed_output.get<float>((r1 - r0) * g.out_cols * depth);
  if (ih1 > ih0)
    transpose_tiled(k, input + n * depth * in_plane + ih0 * g.in_cols, in_plane, band_in, pixel, depth,
                    (ih1 - ih0) * g.in_cols);
  depthwise::NhwcJob<float> job;
  job.shape = conv_shape(g, depth);
  job.shape.batch = 1;
  job.shape.in_rows = ih1 - ih0;  // may be 0: windows wholly in the padding, which sum to 0
  job.shape.out_rows = r1 - r0;
  job.shape.pad_top = ih0 - first;
  job.input = band_in;
  job.input_pixel_stride = pixel;
  job.filter = filter;
  job.output = band_out;
  job.large = false;
  set_channel_groups(k, job);
  job.rows_per_item = r1 - r0;
  k.nhwc_f32(job, 0, job.channel_groups);
  transpose_tiled(k, band_out, depth, output + n * depth * out_plane + r0 * g.out_cols, out_plane,
                  (r1 - r0) * g.out_cols, depth);
}

// Strided or small float planes with multiplier 1: whole-tensor transposes would cost two extra
// passes over memory, as much as a strided layer's arithmetic; bands of rows keep the transposed
// data in cache instead. Bands are the work items, so they also spread over the threads.
void run_nchw_banded(const Kernels& k, const Tensor& input, const Tensor& filter, const DepthwiseGeometry& g,
                     Tensor& output, const KernelContext* context) {
  const std::int64_t pixel_bytes = band_pixel_stride(g.in_depth) * 4;
  const std::int64_t per_out_row = (g.stride_h * g.in_cols + g.out_cols) * pixel_bytes;
  const std::int64_t window_rows = (g.filter_rows - 1) * g.dilation_h + 1;
  const std::int64_t fixed = window_rows * g.in_cols * pixel_bytes;
  const std::int64_t band_rows = std::clamp<std::int64_t>((kBandBytes - fixed) / per_out_row, 1, g.out_rows);
  const std::int64_t bands = (g.out_rows + band_rows - 1) / band_rows;
  const std::int64_t band_cost = band_rows * g.out_cols * g.in_depth * g.filter_rows * g.filter_cols;
  run_parallel(context, g.batch * bands, min_chunk_for(band_cost), [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t item = begin; item < end; ++item) {
      const std::int64_t n = item / bands, r0 = item % bands * band_rows;
      run_nchw_band(k, input.data<float>(), filter.data<float>(), g, output.data<float>(), n, r0,
                    std::min(g.out_rows, r0 + band_rows));
    }
  });
}

// NCHW float or double straight from the planes (AVX-512), one output plane per work item.
template <typename T>
void run_nchw_direct(const Kernels& k, const Tensor& input, const Tensor& filter, const DepthwiseGeometry& g,
                     Tensor& output, const KernelContext* context) {
  depthwise::NchwJob job;
  job.shape = conv_shape(g, g.in_depth);
  job.multiplier = g.multiplier;
  job.storage = storage_of<T>();
  job.input = input.raw_data();
  job.filter = filter.data<T>();
  job.output = output.raw_data();
  const std::int64_t bytes = (input.element_count() + output.element_count()) * static_cast<std::int64_t>(sizeof(T));
  // Streamed only where every output row starts on a cache line: rows that do not (56 floats)
  // leave half their vectors to the plain stores, and lines written partly around the caches
  // and partly through them cost more than either (batch 8 56x56x128: 2020 -> 3740 us).
  job.large = beyond_caches(bytes) && g.out_cols * static_cast<std::int64_t>(sizeof(T)) % 64 == 0;
  job.prefetch_rows = beyond_l2(bytes);
  const std::int64_t plane_cost = g.out_rows * g.out_cols * g.filter_rows * g.filter_cols;
  run_parallel(context, g.batch * g.out_depth(), min_chunk_for(plane_cost),
               [&](std::int64_t begin, std::int64_t end) { k.nchw_direct(job, begin, end); });
}

template <typename T>
void run_nchw(const Kernels& k, const Tensor& input, const Tensor& filter, const DepthwiseGeometry& g,
              Tensor& output, const KernelContext* context) {
  // The plane kernel builds each input plane once for all M of its output planes, which wins on
  // large planes with multipliers where the direct path loads its input once per tap (56x56x64,
  // M = 2, on the Intel machine: 1.48 against 1.73 of NHWC); where the direct path loads each
  // input row once per vector it wins instead (on Zen 4: 130-176 against 193-230 us).
  const ConvShape shape = conv_shape(g, g.in_depth);
  const bool planes_shared = g.multiplier > 1 && g.out_rows * g.out_cols > 1024 && !depthwise::nchw_row_loaded_once(shape);
  if (!planes_shared && k.nchw_direct_fits(shape, storage_of<T>()))
    return run_nchw_direct<T>(k, input, filter, g, output, context);
  if constexpr (std::is_same_v<T, float>) {
    // Measured: the plane kernel wins only on large unit-stride planes (112x112, 56x56).
    const bool strided = g.stride_h > 1 || g.stride_w > 1;
    if (strided || g.out_rows * g.out_cols <= 1024) {
      if (g.multiplier == 1) return run_nchw_banded(k, input, filter, g, output, context);
      return run_nchw_transposed(k, input, filter, g, output, context);
    }
  }
  run_nchw_planes<T>(k, input, filter, g, output, context);
}

// NHWC pixels a multiple of 2 KiB apart put every pixel of input and output at the same one or
// two offsets within a page. An output that starts at the input's offset has the tiles' stores
// share cache sets and low address bits with the loads that follow, and the CPU holds loads back
// behind stores it cannot tell apart. Placed 2560 bytes further on (best of the offsets 0-4032
// tried), on Zen 4: 7x7x1024 12.8 -> 11.2 us, 14x14x512 20.8 -> 19.3 us, s2 7.9 -> 7.3 us; other
// shapes, whose pixels spread over the page, measured the same at any offset.
Tensor depthwise_output(const Tensor& input, const DepthwiseParams& params, const DepthwiseGeometry& g) {
  constexpr std::int64_t kAliasingPixelBytes = 2048, kSmallestPlaced = 64 * 1024;
  constexpr std::size_t kOutputPageOffset = 2560, kPage = kTensorPageBytes;
  Dims dims = depthwise_output_dims(params, g);
  const auto value = static_cast<std::int64_t>(dtype_size(input.dtype()));
  const bool aliasing = params.data_format == DataFormat::NHWC && g.in_depth * value % kAliasingPixelBytes == 0 &&
                        g.out_depth() * value % kAliasingPixelBytes == 0;
  if (!aliasing || checked_tensor_bytes(input.dtype(), dims) < kSmallestPlaced)
    return Tensor::uninitialized(input.dtype(), std::move(dims));
  const std::size_t input_offset = reinterpret_cast<std::uintptr_t>(input.raw_data()) % kPage;
  return Tensor::uninitialized_at_page_offset(input.dtype(), std::move(dims), (input_offset + kOutputPageOffset) % kPage);
}

template <typename T>
Tensor run_typed(const Tensor& input, const Tensor& filter, const DepthwiseParams& params,
                 const DepthwiseGeometry& g, const KernelContext* context) {
  // Every element is written below; zero-filling first would cost a tenth of the kernel time.
  Tensor output = depthwise_output(input, params, g);
  if (output.element_count() == 0) return output;
  const Kernels& k = kernels_for(active_depthwise_isa());
  if (params.data_format == DataFormat::NCHW) run_nchw<T>(k, input, filter, g, output, context);
  else run_nhwc<T>(k, input.data<T>(), filter, g, output.data<T>(), output.element_count(), context);
  return output;
}

}  // namespace

std::vector<DepthwiseIsa> supported_depthwise_isas() {
  std::vector<DepthwiseIsa> isas;
  for (DepthwiseIsa isa : {DepthwiseIsa::Portable, DepthwiseIsa::Avx2, DepthwiseIsa::Avx512})
    if (cpu_runs(isa)) isas.push_back(isa);
  return isas;
}

void set_depthwise_isa_for_testing(DepthwiseIsa isa) {
  if (!cpu_runs(isa)) throw Error("this CPU cannot run the " + std::string(depthwise_isa_name(isa)) + " depthwise kernel");
  chosen_isa().store(isa == DepthwiseIsa::Auto ? best_isa() : isa);
}

DepthwiseIsa active_depthwise_isa() { return chosen_isa().load(std::memory_order_relaxed); }

std::string_view depthwise_isa_name(DepthwiseIsa isa) {
  switch (isa) {
    case DepthwiseIsa::Auto: return "auto";
    case DepthwiseIsa::Portable: return "portable";
    case DepthwiseIsa::Avx2: return "avx2";
    case DepthwiseIsa::Avx512: return "avx512";
  }
  return "auto";
}

void set_depthwise_streaming_threshold_for_testing(std::int64_t bytes) {
  streaming_threshold_for_testing.store(bytes > 0 ? bytes : 0);
}

Tensor depthwise_conv2d(const Tensor& input, const Tensor& filter, const DepthwiseParams& params,
                        const KernelContext* context) {
  const DepthwiseGeometry g = depthwise_geometry(params, input.dims(), filter.dims());
  switch (input.dtype()) {
    case DType::Float16: return run_typed<Eigen::half>(input, filter, params, g, context);
    case DType::BFloat16: return run_typed<Eigen::bfloat16>(input, filter, params, g, context);
    case DType::Float32: return run_typed<float>(input, filter, params, g, context);
    case DType::Float64: return run_typed<double>(input, filter, params, g, context);
    default: throw PortError("input", "DepthwiseConv2dNative takes half, bfloat16, float or double, not " +
                                          std::string(dtype_name(input.dtype())));
  }
}

}  // namespace blockflow
