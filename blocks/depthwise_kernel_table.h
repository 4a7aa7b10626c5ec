#pragma once
// The contract between the depthwise dispatcher (depthwise_kernel.cpp) and the per-instruction-set
// kernels (depthwise_kernel_{portable,avx2,avx512}.cpp). Plain structs and function pointers only:
// the ISA files are compiled with different -m flags, so nothing inline may cross this line.
#include <cstdint>

namespace blockflow::depthwise {

// NHWC geometry of one convolution in the compute type. `depth` counts the channels the kernel
// sees: input channels times the multiplier once the input has been expanded.
struct ConvShape {
  std::int64_t batch, in_rows, in_cols, depth;
  std::int64_t filter_rows, filter_cols;
  std::int64_t out_rows, out_cols;
  std::int64_t stride_h, stride_w, dilation_h, dilation_w;
  std::int64_t pad_top, pad_left;
};

// Filters 3 columns wide at column dilation 1 with 0 or 1 column of padding on the left, or
// dilation 2 with 0 or 2 (VALID, SAME and most EXPLICIT paddings): the in-place NCHW path has
// tiles for them that load each input row once per vector and shift the three taps out of it in
// registers (the others load once per tap).
inline bool nchw_row_loaded_once(const ConvShape& s) {
  if (s.filter_cols != 3) return false;
  if (s.dilation_w == 1) return s.pad_left == 0 || s.pad_left == 1;
  return s.dilation_w == 2 && (s.pad_left == 0 || s.pad_left == 2);
}

// 16-bit floating-point values as their raw bits, the way the NHWC tiles read and write float16
// and bfloat16 tensors in place (converting in registers); distinct types so that the tiles pick
// the right conversion.
struct HalfBits {
  std::uint16_t bits;
};
struct BFloat16Bits {
  std::uint16_t bits;
};

// An input of C channels read as the 2 * C channels of depthwise multiplier 2, each channel
// repeated twice, without copying it: the unit is half a value, so that the tiles' element
// arithmetic on the repeated channels (pixel stride 2 * C, channel k) lands on value k / 2 of
// the input. Only whole vectors starting at an even channel, and single channels, are read.
template <typename A>
struct RepeatedTwice;
template <>
struct RepeatedTwice<float> {
  std::uint16_t half_a_value;
};
template <>
struct RepeatedTwice<double> {
  std::uint32_t half_a_value;
};
template <>
struct RepeatedTwice<HalfBits> {
  std::uint8_t half_a_value;
};
template <>
struct RepeatedTwice<BFloat16Bits> {
  std::uint8_t half_a_value;
};

// NHWC: input [N, H, W, depth], filter [KH, KW, depth], output [N, OH, OW, depth].
// A is the compute type (of the filter too); In and Out the element types of input and output:
// A itself, HalfBits/BFloat16Bits computed in float, or an input RepeatedTwice<A>.
// Work item i covers channel group i % groups of the (i / groups)-th block of rows_per_item
// output rows; row blocks do not cross images.
template <typename A, typename In = A, typename Out = In>
struct NhwcJob {
  ConvShape shape;
  const In* input;
  const A* filter;
  Out* output;
  std::int64_t channel_groups;
  std::int64_t group_size;  // channels per group; the last group takes the remainder
  std::int64_t rows_per_item;
  // bfloat16 in place: the filter with each whole block of two vectors of channels (aligned to
  // it) holding the block's even channels, then its odd ones, the order in which the AVX-512
  // tiles widen such a block (see kPairedChannels in depthwise_kernel_impl.inc).
  const A* paired_filter = nullptr;
  // Elements between input pixels: the depth, or more in the NCHW path's transposed bands,
  // whose pixels are an odd number of cache lines apart.
  std::int64_t input_pixel_stride;
  bool large;  // input and output exceed the caches: prefetch rows, store around the caches
  bool prefetch_rows = false;  // input and output well beyond L2: prefetch the next row's inputs
  bool prefetch_writes = false;  // far beyond L2 and not streamed: prefetch the next row's outputs
  // Input pixels a multiple of 4 KiB apart, all in one L1 cache set, so inputs come from L2: the
  // AVX-512 input-reusing tiles ask for the next block of channels while they work on this one
  // (7x7x1024 float 18.3 -> 17.2 us, double 39 -> 35 us).
  bool aliased_pixels = false;
};

// Element types a path reads or writes: the compute types and the 16-bit storage types.
enum class Storage { Float32, Float64, Half, BFloat16 };

// NCHW: one work item is one (batch, output channel) plane. `multiplier` maps output channel
// k to input plane k / multiplier; `depth` in shape is the input channel count.
struct NchwJob {
  ConvShape shape;
  std::int64_t multiplier;
  Storage storage;      // of input and output; compute is float, or double for Float64
  const void* input;    // [N, C, H, W]
  const void* filter;   // [KH, KW, C*M] in the compute type
  void* output;         // [N, C*M, OH, OW]
  bool large = false;   // input and output exceed the caches: the direct path stores around them
  bool prefetch_rows = false;  // input and output well beyond L2: the rolling tiles prefetch rows
};

struct Kernels {
  const char* name;
  std::int64_t float_lanes;  // channels per vector, to size channel groups
  void (*nhwc_f32)(const NhwcJob<float>& job, std::int64_t begin, std::int64_t end);
  void (*nhwc_f64)(const NhwcJob<double>& job, std::int64_t begin, std::int64_t end);
  // float16 and bfloat16 read and written in place, converted in registers; used for the shapes
  // `converts_in_tiles` accepts (where the tiles load each input vector only a few times), the
  // others convert the whole input to float first.
  void (*nhwc_half)(const NhwcJob<float, HalfBits>& job, std::int64_t begin, std::int64_t end);
  void (*nhwc_bf16)(const NhwcJob<float, BFloat16Bits>& job, std::int64_t begin, std::int64_t end);
  // Multiplier 2 without a copy of the input repeating each channel: the tiles repeat the lanes
  // of each half vector they load (and convert 16-bit ones); used where `converts_in_tiles`
  // accepts the shape too.
  void (*nhwc_f32_repeated)(const NhwcJob<float, RepeatedTwice<float>, float>& job, std::int64_t begin,
                            std::int64_t end);
  void (*nhwc_f64_repeated)(const NhwcJob<double, RepeatedTwice<double>, double>& job, std::int64_t begin,
                            std::int64_t end);
  void (*nhwc_half_repeated)(const NhwcJob<float, RepeatedTwice<HalfBits>, HalfBits>& job, std::int64_t begin,
                             std::int64_t end);
  void (*nhwc_bf16_repeated)(const NhwcJob<float, RepeatedTwice<BFloat16Bits>, BFloat16Bits>& job,
                             std::int64_t begin, std::int64_t end);
  bool (*converts_in_tiles)(const ConvShape& shape);
  void (*nchw)(const NchwJob& job, std::int64_t begin, std::int64_t end);
  // Contiguous conversions; 16-bit values travel as raw bits.
  void (*half_to_float)(const std::uint16_t* from, float* to, std::int64_t count);
  void (*float_to_half)(const float* from, std::uint16_t* to, std::int64_t count);
  void (*bf16_to_float)(const std::uint16_t* from, float* to, std::int64_t count);
  void (*float_to_bf16)(const float* from, std::uint16_t* to, std::int64_t count);
  // Repeats each of `count` values `multiplier` times: to[i*M + q] = from[i].
  void (*repeat_f32)(const float* from, float* to, std::int64_t count, std::int64_t multiplier);
  void (*repeat_f64)(const double* from, double* to, std::int64_t count, std::int64_t multiplier);
  // to[j * to_stride + i] = from[i * from_stride + j] for i < rows, j < cols.
  void (*transpose_f32)(const float* from, std::int64_t from_stride, float* to, std::int64_t to_stride,
                        std::int64_t rows, std::int64_t cols);
  // NCHW float or double read and written in place, output planes [begin, end) (n * C * M + k),
  // for the shapes nchw_direct_fits accepts (AVX-512 only; the other sets accept none).
  bool (*nchw_direct_fits)(const ConvShape& shape, Storage storage);
  void (*nchw_direct)(const NchwJob& job, std::int64_t begin, std::int64_t end);
};

const Kernels& portable_kernels();
const Kernels& avx2_kernels();
const Kernels& avx512_kernels();

}  // namespace blockflow::depthwise
