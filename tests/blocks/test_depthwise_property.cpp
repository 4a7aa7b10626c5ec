// The kernel against a plain reference loop, written here independently of the kernel, for
// random shapes and options in all four dtypes and both layouts (dilations with strides and
// unequal strides included: the cases TensorFlow's CPU kernel refuses).
#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <utility>

#include "blocks/builtin_blocks.h"
#include "blocks/depthwise_isa.h"
#include "blocks/depthwise_kernel.h"
#include "blocks/depthwise_streaming.h"
#include "runtime/executor.h"
#include "tests/support/bound_values.h"

using namespace blockflow;

namespace {

// Puts the kernel back on its own choice of instruction set when a test that forced one ends.
struct RestoreDefaultIsa {
  ~RestoreDefaultIsa() { set_depthwise_isa_for_testing(DepthwiseIsa::Auto); }
};

// Outputs of more than 16 MiB of input and output are streamed while this lives.
struct StreamingBeyond16MiB {
  StreamingBeyond16MiB() { set_depthwise_streaming_threshold_for_testing(16 << 20); }
  ~StreamingBeyond16MiB() { set_depthwise_streaming_threshold_for_testing(0); }
};

struct RandomCase {
  bool nchw = false;
  std::int64_t n, h, w, c, kh, kw, m, sh, sw, dh, dw;
  std::string padding;
  std::int64_t pt = 0, pb = 0, pl = 0, pr = 0;
};

std::int64_t pick(std::mt19937& rng, int lo, int hi) {
  return static_cast<std::int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng));
}

// SAME, VALID or EXPLICIT (`which` 0, 1, 2), the explicit pads drawn up to `most`.
void set_padding(RandomCase& r, std::int64_t which, int most, std::mt19937& rng) {
  const char* paddings[] = {"SAME", "VALID", "EXPLICIT"};
  r.padding = paddings[which];
  if (r.padding != "EXPLICIT") return;
  r.pt = pick(rng, 0, most); r.pb = pick(rng, 0, most); r.pl = pick(rng, 0, most); r.pr = pick(rng, 0, most);
}

// Wide: channel counts across one and several vectors (and their tails), rows long enough for
// whole register tiles between the border pixels.
RandomCase draw(std::mt19937& rng, bool wide = false) {
  RandomCase r;
  r.nchw = pick(rng, 0, 1) == 1;
  r.n = pick(rng, 1, 3); r.h = pick(rng, 1, 12); r.w = pick(rng, 1, 12); r.c = pick(rng, 1, 7);
  if (wide) { r.n = pick(rng, 1, 2); r.w = pick(rng, 8, 40); r.c = pick(rng, 8, 70); }
  r.kh = pick(rng, 1, 5); r.kw = pick(rng, 1, 5); r.m = pick(rng, 0, 3);
  r.sh = pick(rng, 1, 3); r.sw = pick(rng, 1, 3); r.dh = pick(rng, 1, 3); r.dw = pick(rng, 1, 3);
  set_padding(r, pick(rng, 0, 2), 3, rng);
  return r;
}

std::string list(std::initializer_list<std::int64_t> items) {
  std::string text;
  for (auto v : items) text += (text.empty() ? "" : std::string(",")) + std::to_string(v);
  return text;
}

nlohmann::json values_of(const RandomCase& r) {
  std::string attrs = std::string("data_format_ = ") + (r.nchw ? "NCHW" : "NHWC") + "; dilations_ = " +
                      (r.nchw ? list({1, 1, r.dh, r.dw}) : list({1, r.dh, r.dw, 1})) + ";";
  if (r.padding == "EXPLICIT")
    attrs += " explicit_paddings_ = " + (r.nchw ? list({0, 0, 0, 0, r.pt, r.pb, r.pl, r.pr})
                                                 : list({0, 0, r.pt, r.pb, r.pl, r.pr, 0, 0})) + ";";
  return {{"strides", r.nchw ? list({1, 1, r.sh, r.sw}) : list({1, r.sh, r.sw, 1})},
          {"padding", r.padding}, {"attrs", attrs}};
}

// Straight from the definition, indexing each layout directly, in double.
std::vector<double> reference(const RandomCase& r, const std::vector<double>& x, const std::vector<double>& f,
                              std::int64_t oh_count, std::int64_t ow_count, std::int64_t top, std::int64_t left) {
  const std::int64_t od = r.c * r.m;
  std::vector<double> out(static_cast<std::size_t>(r.n * oh_count * ow_count * od), 0.0);
  auto in_at = [&](std::int64_t b, std::int64_t i, std::int64_t j, std::int64_t k) {
    return r.nchw ? x[static_cast<std::size_t>(((b * r.c + k) * r.h + i) * r.w + j)]
                  : x[static_cast<std::size_t>(((b * r.h + i) * r.w + j) * r.c + k)];
  };
  auto out_index = [&](std::int64_t b, std::int64_t i, std::int64_t j, std::int64_t k) {
    return static_cast<std::size_t>(r.nchw ? ((b * od + k) * oh_count + i) * ow_count + j
                                           : ((b * oh_count + i) * ow_count + j) * od + k);
  };
  for (std::int64_t b = 0; b < r.n; ++b)
    for (std::int64_t i = 0; i < oh_count; ++i)
      for (std::int64_t j = 0; j < ow_count; ++j)
        for (std::int64_t k = 0; k < r.c; ++k)
          for (std::int64_t q = 0; q < r.m; ++q) {
            double sum = 0;
            for (std::int64_t a = 0; a < r.kh; ++a)
              for (std::int64_t e = 0; e < r.kw; ++e) {
                const std::int64_t ii = i * r.sh - top + a * r.dh, jj = j * r.sw - left + e * r.dw;
                if (ii < 0 || ii >= r.h || jj < 0 || jj >= r.w) continue;
                sum += in_at(b, ii, jj, k) * f[static_cast<std::size_t>(((a * r.kw + e) * r.c + k) * r.m + q)];
              }
            out[out_index(b, i, j, k * r.m + q)] = sum;
          }
  return out;
}

std::int64_t expected_size(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d, const std::string& padding,
                           std::int64_t before, std::int64_t after, std::int64_t& pad_before) {
  const std::int64_t eff = (k - 1) * d + 1;
  pad_before = 0;
  if (padding == "VALID") return (in - eff + s) / s;
  if (padding == "EXPLICIT") { pad_before = before; return (in + before + after - eff + s) / s; }
  const std::int64_t out = (in + s - 1) / s;
  pad_before = std::max<std::int64_t>(0, (out - 1) * s + eff - in) / 2;
  return out;
}

// The kernel on its own (executor null) or splitting its work over `executor`'s threads.
Tensor run_kernel(const Tensor& input, const Tensor& filter, const BoundValues& values, Executor* executor) {
  std::function<bool()> never = [] { return false; };
  std::unique_ptr<KernelContext> context;
  BlockEnvironment env;
  if (executor) {
    context = std::make_unique<KernelContext>(
        values, env, std::map<std::string, Tensor>{}, nullptr,
        [executor](std::int64_t total, std::int64_t chunk, const std::function<void(std::int64_t, std::int64_t)>& body) {
          executor->parallel_for(total, chunk, body);
        },
        never);
  }
  return depthwise_conv2d(input, filter, read_depthwise_params(values), context.get());
}

template <typename T>
void check_against_reference(const RandomCase& r, std::mt19937& rng, double tolerance, Executor* executor) {
  std::uniform_real_distribution<double> value(-1.0, 1.0);
  const Dims in_dims = r.nchw ? Dims{r.n, r.c, r.h, r.w} : Dims{r.n, r.h, r.w, r.c};
  std::vector<double> x(static_cast<std::size_t>(r.n * r.h * r.w * r.c)), f(static_cast<std::size_t>(r.kh * r.kw * r.c * r.m));
  // Values rounded through T, so the reference sees exactly what the kernel sees.
  for (auto& v : x) v = static_cast<double>(static_cast<T>(value(rng)));
  for (auto& v : f) v = static_cast<double>(static_cast<T>(value(rng)));

  std::int64_t top = 0, left = 0;
  const std::int64_t oh = expected_size(r.h, r.kh, r.sh, r.dh, r.padding, r.pt, r.pb, top);
  const std::int64_t ow = expected_size(r.w, r.kw, r.sw, r.dw, r.padding, r.pl, r.pr, left);
  const BlockSpec& spec = *builtin_registry().find("DepthwiseConv2dNative");
  const BoundValues values = test::bind_values(spec, values_of(r));
  const Tensor input = test::tensor_from_doubles<T>(in_dims, x);
  const Tensor filter = test::tensor_from_doubles<T>({r.kh, r.kw, r.c, r.m}, f);
  if (oh < 0 || ow < 0) {
    CHECK_THROWS_WITH(depthwise_conv2d(input, filter, read_depthwise_params(values), nullptr),
                      Catch::StartsWith("Computed output size would be negative"));
    return;
  }
  const Tensor output = run_kernel(input, filter, values, executor);
  const Dims out_dims = r.nchw ? Dims{r.n, r.c * r.m, oh, ow} : Dims{r.n, oh, ow, r.c * r.m};
  REQUIRE(output.dims() == out_dims);
  const auto expected = reference(r, x, f, oh, ow, top, left);
  const auto actual = test::tensor_to_doubles(output);
  // Asserted only where it fails: a REQUIRE per element made million-element cases slow.
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (actual[i] == Approx(expected[i]).epsilon(tolerance).margin(tolerance)) continue;
    INFO("element " << i);
    REQUIRE(actual[i] == Approx(expected[i]).epsilon(tolerance).margin(tolerance));
  }
}

std::string describe(const RandomCase& r) {
  std::ostringstream out;
  out << (r.nchw ? "NCHW" : "NHWC") << " n" << r.n << " h" << r.h << " w" << r.w << " c" << r.c << " k" << r.kh << "x"
      << r.kw << " m" << r.m << " s" << r.sh << "x" << r.sw << " d" << r.dh << "x" << r.dw << " " << r.padding << " pads "
      << r.pt << "," << r.pb << "," << r.pl << "," << r.pr;
  return out.str();
}

void check_random_cases(int trials, bool wide, std::uint32_t seed) {
  RestoreDefaultIsa restore;
  Executor pool(2);
  for (DepthwiseIsa isa : supported_depthwise_isas()) {
    set_depthwise_isa_for_testing(isa);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < trials; ++trial) {
      const RandomCase r = draw(rng, wide);
      INFO("kernel path " << depthwise_isa_name(isa) << ", case " << trial << ": " << describe(r));
      Executor* executor = trial % 2 ? &pool : nullptr;  // serial and pooled kernels alike
      check_against_reference<float>(r, rng, 1e-5, executor);
      check_against_reference<double>(r, rng, 1e-12, executor);
      // 16-bit results round once at the end: relative error up to 2^-11 (half), 2^-8 (bfloat16)
      // on sums of up to 25 products of magnitude <= 1.
      check_against_reference<Eigen::half>(r, rng, 2e-2, executor);
      check_against_reference<Eigen::bfloat16>(r, rng, 1.5e-1, executor);
    }
  }
}

// One case in float and in double, each run serially (nullptr) or on a pool.
void check_float_and_double(DepthwiseIsa isa, int trial, const RandomCase& r, std::mt19937& rng, Executor* for_float,
                            Executor* for_double) {
  INFO("kernel path " << depthwise_isa_name(isa) << ", case " << trial << ": " << describe(r));
  check_against_reference<float>(r, rng, 1e-5, for_float);
  check_against_reference<double>(r, rng, 1e-12, for_double);
}

// check(isa, rng, trial) for `trials` trials on every path the CPU has, each path drawing its
// cases from the same seed.
template <typename Check>
void on_every_path(std::uint32_t seed, int trials, Check check) {
  RestoreDefaultIsa restore;
  for (DepthwiseIsa isa : supported_depthwise_isas()) {
    set_depthwise_isa_for_testing(isa);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < trials; ++trial) check(isa, rng, trial);
  }
}

}  // namespace

TEST_CASE("kernel matches the reference loop on random cases, every dtype and layout", "[depthwise][property]") {
  check_random_cases(150, false, 20261125);
}

TEST_CASE("kernel matches the reference loop on wide rows and deep channels, every path", "[depthwise][property]") {
  check_random_cases(40, true, 20261126);
}

// 4 KiB pixels, which all fall into one L1 cache set and are read with prefetches ahead, on
// narrow and wide images, at strides 1 and 2, on every path.
TEST_CASE("kernel matches the reference loop on 4 KiB pixels, narrow and wide images", "[depthwise][property]") {
  RestoreDefaultIsa restore;
  std::mt19937 rng(5);
  for (DepthwiseIsa isa : supported_depthwise_isas()) {
    INFO("kernel path " << depthwise_isa_name(isa));
    set_depthwise_isa_for_testing(isa);
    for (std::int64_t width : {6, 16}) {
      for (std::int64_t stride : {1, 2}) {
        INFO(width << " columns, stride " << stride);
        RandomCase r;
        r.n = 1; r.h = 5; r.w = width; r.c = 1024; r.kh = 3; r.kw = 3; r.m = 1;
        r.sh = r.sw = stride; r.dh = r.dw = 1;
        r.padding = "SAME";
        check_against_reference<float>(r, rng, 1e-5, nullptr);
        r.c = 512;
        check_against_reference<double>(r, rng, 1e-12, nullptr);
      }
    }
  }
}

// The output's place relative to the input is what the kernel chooses for pixels a multiple of
// 2 KiB apart (see depthwise_output); the values are checked above and in the golden tests.
TEST_CASE("NHWC outputs of 2 KiB pixels start 2560 bytes further into a page than the input", "[depthwise]") {
  auto page_offset = [](const Tensor& t) { return reinterpret_cast<std::uintptr_t>(t.raw_data()) % 4096; };
  DepthwiseParams same;
  same.padding = Padding::Same;
  for (std::int64_t channels : {512, 1024}) {
    const Tensor input(DType::Float32, {1, 7, 7, channels}), filter(DType::Float32, {3, 3, channels, 1});
    const Tensor output = depthwise_conv2d(input, filter, same, nullptr);
    CHECK(page_offset(output) == (page_offset(input) + 2560) % 4096);
  }
  const Tensor doubles(DType::Float64, {1, 7, 7, 256}), double_filter(DType::Float64, {3, 3, 256, 1});
  CHECK(page_offset(depthwise_conv2d(doubles, double_filter, same, nullptr)) == (page_offset(doubles) + 2560) % 4096);
}

TEST_CASE("NCHW float in bands of rows matches the reference on tall images, every path", "[depthwise][property]") {
  RestoreDefaultIsa restore;
  Executor pool(2);
  for (DepthwiseIsa isa : supported_depthwise_isas()) {
    set_depthwise_isa_for_testing(isa);
    std::mt19937 rng(20261127);
    for (int trial = 0; trial < 8; ++trial) {
      RandomCase r;
      r.nchw = true;
      // Tall enough for several bands of rows, strided so that the banded path is taken.
      r.n = pick(rng, 1, 2); r.h = pick(rng, 40, 90); r.w = pick(rng, 20, 60); r.c = pick(rng, 16, 80);
      r.kh = pick(rng, 1, 5); r.kw = pick(rng, 1, 5); r.m = 1;
      r.sh = pick(rng, 1, 3); r.sw = pick(rng, 2, 3); r.dh = pick(rng, 1, 3); r.dw = pick(rng, 1, 3);
      set_padding(r, trial % 3, 6, rng);
      INFO("kernel path " << depthwise_isa_name(isa) << ", case " << trial << ": " << describe(r));
      check_against_reference<float>(r, rng, 1e-5, trial % 2 ? &pool : nullptr);
    }
    // Padding so deep that whole bands of output rows see no input row at all.
    RandomCase deep;
    deep.nchw = true;
    deep.n = 1; deep.h = 30; deep.w = 24; deep.c = 64; deep.kh = 1; deep.kw = 3; deep.m = 1;
    deep.sh = 1; deep.sw = 2; deep.dh = deep.dw = 1;
    deep.padding = "EXPLICIT";
    deep.pt = 40; deep.pb = 3; deep.pl = 1; deep.pr = 1;
    INFO("kernel path " << depthwise_isa_name(isa) << ": " << describe(deep));
    check_against_reference<float>(deep, rng, 1e-5, &pool);
  }
}

// Unit-stride NCHW planes of more than 1024 outputs go to the plane kernel (on the AVX-512 path
// only filters wider than 3 x 3 and multipliers, the rest being read in place), which writes rows
// of at least a vector straight into the output; widths around whole tiles of vectors.
TEST_CASE("NCHW planes written row by row match the reference, every path", "[depthwise][property]") {
  Executor pool(2);
  on_every_path(20261128, 10, [&](DepthwiseIsa isa, std::mt19937& rng, int trial) {
    RandomCase r;
    r.nchw = true;
    r.n = pick(rng, 1, 2); r.h = pick(rng, 40, 60); r.w = pick(rng, 30, 140); r.c = pick(rng, 1, 6);
    r.kh = pick(rng, 1, 5); r.kw = pick(rng, 1, 5); r.m = pick(rng, 1, 2);
    r.sh = r.sw = 1; r.dh = pick(rng, 1, 2); r.dw = pick(rng, 1, 2);
    set_padding(r, trial % 3, 3, rng);
    check_float_and_double(isa, trial, r, rng, trial % 2 ? &pool : nullptr, nullptr);
  });
}

// SAME, VALID or EXPLICIT (`which` 0, 1, 2) for the tiles that shift taps out of whole rows: an
// explicit left padding of 0 or `left` columns (the first tap's offsets those tiles have), up to
// 3 columns on the right and up to `most_rows` rows above and below.
void set_padding_of_shifted_rows(RandomCase& r, std::int64_t which, std::int64_t left, int most_rows, std::mt19937& rng) {
  const char* paddings[] = {"SAME", "VALID", "EXPLICIT"};
  r.padding = paddings[which];
  if (r.padding != "EXPLICIT") return;
  r.pl = pick(rng, 0, 1) * left;
  r.pr = pick(rng, 0, 3);
  r.pt = pick(rng, 0, most_rows);
  r.pb = pick(rng, 0, most_rows);
}

// NCHW float and double with filters of up to 3 x 3 at column stride 1 or 2 are read in place
// on the AVX-512 path (masked loads along output rows, two planes per tile, border rows one at a
// time): output rows of one to five vectors and their tails, odd plane counts, multipliers,
// dilations, and padding deep enough that whole rows see no input; every path.
TEST_CASE("NCHW planes read in place match the reference, every dtype and path", "[depthwise][property]") {
  Executor pool(2);
  on_every_path(20261201, 24, [&](DepthwiseIsa isa, std::mt19937& rng, int trial) {
    RandomCase r;
    r.nchw = true;
    r.n = pick(rng, 1, 2); r.h = pick(rng, 1, 30); r.c = pick(rng, 1, 5); r.m = pick(rng, 1, 3);
    r.kh = pick(rng, 1, 3); r.kw = pick(rng, 1, 3);
    r.sh = pick(rng, 1, 3); r.sw = pick(rng, 1, 2); r.dh = pick(rng, 1, 3); r.dw = pick(rng, 1, 3);
    r.w = r.sw * pick(rng, 12, 80) + pick(rng, 0, 4);  // 12 to 80 output columns
    set_padding(r, trial % 3, trial % 2 ? 3 : 8, rng);
    check_float_and_double(isa, trial, r, rng, trial % 2 ? &pool : nullptr, trial % 2 ? nullptr : &pool);
  });
}

// The in-place NCHW path has tiles of its own for filters 3 columns wide at column dilation 1
// with 0 or 1 column of padding on the left, or dilation 2 with 0 or 2 (VALID, SAME, most
// EXPLICIT): each input row is loaded once per vector and the three taps shifted out of
// neighbouring vectors. Every such offset of the first tap, column strides 1 and 2, input widths
// that end anywhere inside a vector (and right padding past it), filter rows 1 to 3 with row
// dilations and strides; every path.
TEST_CASE("NCHW rows of 3-wide filters shifted in registers match the reference, every path", "[depthwise][property]") {
  Executor pool(2);
  on_every_path(20261203, 48, [&](DepthwiseIsa isa, std::mt19937& rng, int trial) {
    RandomCase r;
    r.nchw = true;
    r.n = pick(rng, 1, 2); r.h = pick(rng, 1, 20); r.c = pick(rng, 1, 4); r.m = pick(rng, 1, 2);
    r.kh = pick(rng, 1, 3); r.kw = 3;
    r.sh = pick(rng, 1, 2); r.sw = 1 + trial % 2; r.dh = pick(rng, 1, 2); r.dw = 1 + trial / 6 % 2;
    r.w = r.sw * pick(rng, 12, 70) + pick(rng, 0, 2);
    set_padding_of_shifted_rows(r, trial / 2 % 3, r.dw, 3, rng);
    check_float_and_double(isa, trial, r, rng, trial % 3 ? &pool : nullptr, trial % 3 ? nullptr : &pool);
  });
}

// An NCHW float 3 x 3 case at the given stride and unit dilation, w x h: SAME, VALID or EXPLICIT
// padding by trial / 2 (the thread counts go by trial % 3), EXPLICIT with 0 to 3 columns on each
// side and 0 to 4 rows above and below; multipliers 1 to 3, up to 5 channels, batches of 1 or 2.
RandomCase three_by_three_case(std::mt19937& rng, int trial, std::int64_t w, std::int64_t h,
                               std::int64_t stride) {
  RandomCase r;
  r.nchw = true;
  r.n = pick(rng, 1, 2); r.c = pick(rng, 1, 5); r.m = pick(rng, 1, 3);
  r.kh = r.kw = 3;
  r.sh = r.sw = stride; r.dh = r.dw = 1;
  r.w = w; r.h = h;
  const char* paddings[] = {"SAME", "VALID", "EXPLICIT"};
  r.padding = paddings[trial / 2 % 3];
  if (r.padding == "EXPLICIT") {
    r.pl = pick(rng, 0, 3); r.pr = pick(rng, 0, 3);
    r.pt = pick(rng, 0, 4); r.pb = pick(rng, 0, 4);
  }
  return r;
}

// 60 trials of three_by_three_case at `stride` on every path, each plane's size drawn by
// size(rng, trial) as {w, h}; one thread or two by trial % 3.
template <typename Size>
void check_three_by_three_cases(std::uint32_t seed, std::int64_t stride, Size size) {
  Executor pool(2);
  on_every_path(seed, 60, [&](DepthwiseIsa isa, std::mt19937& rng, int trial) {
    const auto [w, h] = size(rng, trial);
    const RandomCase r = three_by_three_case(rng, trial, w, h, stride);
    check_float_and_double(isa, trial, r, rng, trial % 3 ? &pool : nullptr,
                           trial % 3 ? nullptr : &pool);
  });
}

// NCHW float 3 x 3 layers at stride 2 whose output rows are at most 16 columns are gathered on
// the AVX-512 path: one permute per tap picks input column 2 * ow + kw out of one or two loaded
// vectors; output planes of up to 8x8 go two planes to a vector, taller planes of rows of at most
// 8 columns two output rows to a vector, rows of 9 to 16 columns one. Input widths 1 to 35
// (output rows of 1 to 18 columns; beyond 16 the other paths), heights up to and past the 32
// output rows the gathered rows take, the left padding 0 to 3 (3 reaches past the loads at some
// widths), rows padded away above and below, multipliers, odd plane counts, one and two
// threads; every path.
TEST_CASE("NCHW stride-2 rows of up to 16 columns gathered by permutes match the reference, every path",
          "[depthwise][property]") {
  check_three_by_three_cases(20261207, 2, [](std::mt19937& rng, int trial) {
    return std::pair{pick(rng, 1, 35), trial % 5 == 4 ? pick(rng, 60, 70) : pick(rng, 1, 40)};
  });
}

// NCHW float 3 x 3 layers at stride 2 whose output planes are at most 8 x 8 and whose rows read
// only the first 16 columns go two planes to a vector on the AVX-512 path (plane A in lanes 0..7,
// B in 8..15), each input row permuted once for each filter column. Input widths 1 to 17 (17
// reads column 16 under VALID, beyond the loads: the gathered rows take it), heights 1 to 19
// (output rows 1 to 8 and just past them), the left padding 0 to 3 and rows padded away above
// and below, multipliers, odd plane counts (the last plane paired with itself), one and two
// threads; every path.
TEST_CASE("NCHW stride-2 planes of up to 8 x 8 outputs paired in vectors match the reference, every path",
          "[depthwise][property]") {
  check_three_by_three_cases(20261209, 2, [](std::mt19937& rng, int) {
    return std::pair{pick(rng, 1, 17), pick(rng, 1, 19)};
  });
}

// NCHW float 3 x 3 layers at unit stride whose output planes are at most 8 x 8 (MobileNet's 7x7)
// go two planes to a vector on the AVX-512 path as at stride 2, each input row permuted once for
// each filter column and added to the up to three output rows that read it. Input widths 1 to 12
// (output rows of 1 to 8 columns and past them under SAME; EXPLICIT reaches 14), heights 1 to 11
// (output rows 1 to 8 and just past them), the left padding 0 to 3 and rows padded away above
// and below, multipliers, odd plane counts, one and two threads; every path.
TEST_CASE("NCHW unit-stride planes of up to 8 x 8 outputs paired in vectors match the reference, every path",
          "[depthwise][property]") {
  check_three_by_three_cases(20261210, 1, [](std::mt19937& rng, int) {
    return std::pair{pick(rng, 1, 12), pick(rng, 1, 11)};
  });
}

// 3 x 3 and 5 x 5 filters whose row stride and dilation equal the column ones go through rolling
// tiles on the AVX-512 path: each input row of a tile of output rows loaded once and added to
// every row that reads it, rows above and below the image loaded with no lanes. Heights that
// leave every remainder of a tile (and planes shorter than one), top and bottom padding deep
// enough that whole tiles read only padding, both column offsets of the first tap, strides and
// dilations 1 and 2, rows of one and several vectors (one-vector rows in tiles of up to 7);
// every path.
TEST_CASE("NCHW 3x3 and 5x5 rows rolled through tiles of output rows match the reference, every path", "[depthwise][property]") {
  Executor pool(2);
  on_every_path(20261204, 60, [&](DepthwiseIsa isa, std::mt19937& rng, int trial) {
    RandomCase r;
    r.nchw = true;
    r.n = pick(rng, 1, 2); r.h = pick(rng, 1, 26); r.c = pick(rng, 1, 4); r.m = pick(rng, 1, 2);
    const bool five = trial % 5 == 4;  // 5 x 5 filters roll at unit dilation
    r.kh = r.kw = five ? 5 : 3;
    r.sh = r.sw = 1 + trial % 2; r.dh = r.dw = five ? 1 : 1 + trial / 2 % 2;
    // A third of the rows of one float vector (12 to 16 columns), which go in taller tiles.
    r.w = r.sw * (trial % 3 == 0 ? pick(rng, 12, 16) : pick(rng, 12, 70)) + pick(rng, 0, 4);
    set_padding_of_shifted_rows(r, trial / 4 % 3, five ? 2 : r.dw, 9, rng);
    check_float_and_double(isa, trial, r, rng, trial % 3 ? &pool : nullptr, trial % 3 ? nullptr : &pool);
  });
}

// Small NCHW planes with rows narrower than three quarters of a vector, at unit strides and as
// many output as input columns (SAME, or EXPLICIT columns adding up to the filter's reach), are
// walked flat on the AVX-512 path: vectors run across row ends, each tap's inputs shifted out of
// two neighbouring input vectors. Widths 1 to 11, planes of one to several vectors and their
// tails, rows padded away entirely, dilations, multipliers, odd plane counts; every path.
TEST_CASE("NCHW small planes walked flat match the reference, every dtype and path", "[depthwise][property]") {
  Executor pool(2);
  on_every_path(20261202, 40, [&](DepthwiseIsa isa, std::mt19937& rng, int trial) {
    RandomCase r;
    r.nchw = true;
    r.n = pick(rng, 1, 2); r.h = pick(rng, 1, 14); r.w = pick(rng, 1, 11); r.c = pick(rng, 1, 5); r.m = pick(rng, 1, 3);
    r.kh = pick(rng, 1, 3); r.kw = pick(rng, 1, 3);
    r.sh = r.sw = 1; r.dh = pick(rng, 1, 2); r.dw = pick(rng, 1, 2);
    if (trial % 2) {
      r.padding = "SAME";
    } else {
      r.padding = "EXPLICIT";
      r.pl = pick(rng, 0, (r.kw - 1) * r.dw); r.pr = (r.kw - 1) * r.dw - r.pl;
      r.pt = pick(rng, 0, 4); r.pb = pick(rng, 0, 4);
    }
    check_float_and_double(isa, trial, r, rng, trial % 3 ? &pool : nullptr, trial % 3 ? nullptr : &pool);
  });
}

// NCHW float 3 x 3 planes at unit strides with as many output as input columns are walked flat on
// the AVX-512 path with each tap's inputs read by its multiply-add under a mask, where the rows
// are narrower than three quarters of a vector (widths 1 to 11) or two or more vectors with the
// last one part empty (widths 17 to 31, not 16 or 32): taps that point before the plane or past
// its end, rows padded away, dilations, planes of up to the 64 vectors the masks are planned
// for and just past them (33 x 31), multipliers, odd plane counts; every path.
TEST_CASE("NCHW 3x3 float planes walked flat with taps read from memory match the reference, every path",
          "[depthwise][property]") {
  Executor pool(2);
  on_every_path(20261208, 48, [&](DepthwiseIsa isa, std::mt19937& rng, int trial) {
    RandomCase r;
    r.nchw = true;
    r.n = pick(rng, 1, 2); r.c = pick(rng, 1, 5); r.m = pick(rng, 1, 3);
    r.kh = r.kw = 3;
    r.sh = r.sw = 1; r.dh = pick(rng, 1, 2); r.dw = pick(rng, 1, 2);
    const bool narrow = trial % 4 == 0;
    r.w = narrow ? pick(rng, 1, 11) : pick(rng, 17, 31);
    r.h = trial % 8 == 7 ? 1024 / r.w + pick(rng, 0, 1) : pick(rng, 1, narrow ? 14 : 30);
    if (trial % 2) {
      r.padding = "SAME";
    } else {
      r.padding = "EXPLICIT";
      r.pl = pick(rng, 0, 2 * r.dw); r.pr = 2 * r.dw - r.pl;
      r.pt = pick(rng, 0, 4); r.pb = pick(rng, 0, 4);
    }
    check_float_and_double(isa, trial, r, rng, trial % 3 ? &pool : nullptr, trial % 3 ? nullptr : &pool);
  });
}

// Input and output beyond the streaming threshold (set to 16 MiB here, whatever this machine's
// cache) take the large-image path: the next input row is prefetched and whole aligned tiles
// are written with streaming stores (NHWC; rows of 370 columns put some pixels off alignment),
// or the output rows when each starts on a cache line (NCHW read in place, 368 columns; 370
// are not streamed). Below the threshold but beyond L2, the NCHW tiles prefetch what they read
// and write: the next pair of small planes (40x40), or further along wide rows (200 columns).
TEST_CASE("kernel matches the reference on images beyond the caches, every path", "[depthwise][property]") {
  RestoreDefaultIsa restore;
  StreamingBeyond16MiB streaming;
  struct Large {
    std::int64_t batch, size, channels, stride;
  };
  // The first four each just past 16 MiB of input and output together, the last two below.
  const Large cases[] = {{1, 370, 16, 1}, {1, 368, 16, 1}, {2, 170, 64, 2}, {1, 215, 48, 1}, {4, 40, 64, 1},
                         {1, 200, 24, 1}};
  std::mt19937 rng(13);
  for (DepthwiseIsa isa : supported_depthwise_isas()) {
    INFO("kernel path " << depthwise_isa_name(isa));
    set_depthwise_isa_for_testing(isa);
    for (const Large& l : cases) {
      for (bool nchw : {false, true}) {
        RandomCase r;
        r.nchw = nchw;
        r.n = l.batch; r.h = r.w = l.size; r.c = l.channels; r.kh = r.kw = 3; r.m = 1;
        r.sh = r.sw = l.stride; r.dh = r.dw = 1;
        r.padding = "SAME";
        INFO(l.batch << "x" << l.size << "x" << l.size << "x" << l.channels << " stride " << l.stride << (nchw ? " NCHW" : " NHWC"));
        check_against_reference<float>(r, rng, 1e-5, nullptr);
      }
    }
  }
}

// Outputs streamed only beyond 64 MiB while this lives.
struct StreamingBeyond64MiB {
  StreamingBeyond64MiB() { set_depthwise_streaming_threshold_for_testing(std::int64_t{64} << 20); }
  ~StreamingBeyond64MiB() { set_depthwise_streaming_threshold_for_testing(0); }
};

// Input and output beyond 8 times the L2 (16 MiB here) that are not streamed: the AVX-512 NHWC
// tiles prefetch the lines of the next output row for writing, up to the image's last row. A
// prefetch cannot change a result; this runs those tiles, float and float16 (16-bit outputs),
// so that the sanitizer builds see their address arithmetic, and checks the results on the way.
TEST_CASE("kernel matches the reference where the tiles prefetch the output, every path", "[depthwise][property]") {
  RestoreDefaultIsa restore;
  StreamingBeyond64MiB streaming;
  std::mt19937 rng(19);
  for (DepthwiseIsa isa : supported_depthwise_isas()) {
    INFO("kernel path " << depthwise_isa_name(isa));
    set_depthwise_isa_for_testing(isa);
    RandomCase r;
    r.n = 1; r.h = r.w = 300; r.c = 24; r.kh = r.kw = 3; r.m = 1;  // 17.3 MB of float in and out
    r.sh = r.sw = 1; r.dh = r.dw = 1;
    r.padding = "SAME";
    check_against_reference<float>(r, rng, 1e-5, nullptr);
    r.h = r.w = 430;  // 17.8 MB of float16
    check_against_reference<Eigen::half>(r, rng, 2e-2, nullptr);
  }
}

// With AVX-512 a whole output row is covered by tiles whose outer input columns may lie in the
// padding (read as zeros); padding wider than the filter puts whole tiles outside the image.
TEST_CASE("kernel matches the reference when row tiles reach into wide padding, every path", "[depthwise][property]") {
  RestoreDefaultIsa restore;
  std::mt19937 rng(17);
  for (DepthwiseIsa isa : supported_depthwise_isas()) {
    set_depthwise_isa_for_testing(isa);
    for (int trial = 0; trial < 24; ++trial) {
      RandomCase r;
      r.n = 1; r.h = pick(rng, 2, 9); r.w = pick(rng, 2, 30); r.c = pick(rng, 16, 48);
      r.kh = 3; r.kw = trial % 2 ? 5 : 3; r.m = 1;
      r.sh = pick(rng, 1, 2); r.sw = pick(rng, 1, 2); r.dh = pick(rng, 1, 2); r.dw = trial % 3 == 0 ? 2 : 1;
      r.padding = "EXPLICIT";
      r.pt = pick(rng, 0, 4); r.pb = pick(rng, 0, 4); r.pl = pick(rng, 0, 12); r.pr = pick(rng, 0, 12);
      INFO("kernel path " << depthwise_isa_name(isa) << ", case " << trial << ": " << describe(r));
      check_against_reference<float>(r, rng, 1e-5, nullptr);
      check_against_reference<double>(r, rng, 1e-12, nullptr);
    }
  }
}

// With AVX-512, the tiles at a row's ends whose edges are those of a 3-wide SAME filter (one
// column, two with dilation 2) have them compiled in, and a column of tiles visits rows d apart
// in turn at row dilation d: wide rows cut into tiles of 6-8 pixels, several row dilations and
// strides, serial and pooled; every path.
TEST_CASE("SAME rows of 3-wide filters with edges known at compile time match the reference, every path",
          "[depthwise][property]") {
  Executor pool(2);
  on_every_path(23, 30, [&](DepthwiseIsa isa, std::mt19937& rng, int trial) {
    RandomCase r;
    r.n = pick(rng, 1, 2); r.h = pick(rng, 4, 24); r.w = pick(rng, 12, 60); r.c = pick(rng, 16, 80);
    r.kh = 3; r.kw = 3; r.m = 1; r.padding = "SAME";
    const int column_kind = trial % 3;
    r.sw = column_kind == 1 ? 2 : 1; r.dw = column_kind == 2 ? 2 : 1;
    r.sh = pick(rng, 1, 2); r.dh = pick(rng, 1, 3);
    Executor* executor = trial % 2 ? &pool : nullptr;
    check_float_and_double(isa, trial, r, rng, executor, executor);
  });
}

namespace {

// How many representable values of T lie between a and b, plus one (0 when equal; +0 and -0 are
// equal).
template <typename T>
int ulps_apart(T a, T b) {
  auto ordered = [](T v) {
    const auto bits = Eigen::numext::bit_cast<std::uint16_t>(v);
    return bits & 0x8000u ? -static_cast<int>(bits & 0x7fffu) : static_cast<int>(bits);
  };
  return std::abs(ordered(a) - ordered(b));
}

// An NHWC case the AVX-512 input-reusing tiles take: 3 or 5 filter columns (by trial), column
// stride and dilation (1, 1), (2, 1) or (1, 2) (by trial), any rows, wide EXPLICIT padding.
RandomCase draw_reusing_tile_case(std::mt19937& rng, int trial, std::int64_t multiplier, int fewest_channels,
                                  int most_channels) {
  RandomCase r;
  r.kh = pick(rng, 1, 5); r.kw = trial % 2 ? 5 : 3; r.m = multiplier;
  r.sh = pick(rng, 1, 3); r.dh = pick(rng, 1, 3);
  const int column_kind = trial % 3;
  r.sw = column_kind == 1 ? 2 : 1; r.dw = column_kind == 2 ? 2 : 1;
  // At least one window high and wide, so that VALID has outputs.
  r.n = pick(rng, 1, 2); r.h = (r.kh - 1) * r.dh + pick(rng, 1, 8); r.w = pick(rng, 10, 40);
  r.c = pick(rng, fewest_channels, most_channels);
  set_padding(r, pick(rng, 0, 2), 8, rng);
  return r;
}

// A 16-bit result is the float computation rounded once to T, to nearest: within one unit in the
// last place of the float kernel's result on the same values, and equal to it almost everywhere
// (the two may sum in different orders). Much tighter than the reference tolerance, which must
// allow for the rounding of T itself.
template <typename T>
void check_rounded_once(const RandomCase& r, std::mt19937& rng, Executor* executor) {
  std::uniform_real_distribution<double> value(-1.0, 1.0);
  std::vector<double> x(static_cast<std::size_t>(r.n * r.h * r.w * r.c)), f(static_cast<std::size_t>(r.kh * r.kw * r.c * r.m));
  for (auto& v : x) v = static_cast<double>(static_cast<T>(value(rng)));
  for (auto& v : f) v = static_cast<double>(static_cast<T>(value(rng)));
  const BoundValues values = test::bind_values(*builtin_registry().find("DepthwiseConv2dNative"), values_of(r));
  const Dims in_dims{r.n, r.h, r.w, r.c}, filter_dims{r.kh, r.kw, r.c, r.m};
  const Tensor narrow = run_kernel(test::tensor_from_doubles<T>(in_dims, x), test::tensor_from_doubles<T>(filter_dims, f),
                                   values, executor);
  const Tensor wide = run_kernel(test::tensor_from_doubles<float>(in_dims, x),
                                 test::tensor_from_doubles<float>(filter_dims, f), values, executor);
  REQUIRE(narrow.dims() == wide.dims());
  const T* got = narrow.data<T>();
  const float* exact = wide.data<float>();
  std::int64_t differing = 0;
  for (std::int64_t i = 0; i < narrow.element_count(); ++i) {
    const int apart = ulps_apart(got[i], static_cast<T>(exact[i]));
    differing += apart > 0;
    if (apart <= 1) continue;
    INFO("element " << i << ": " << static_cast<float>(got[i]) << " against float " << exact[i]);
    REQUIRE(apart <= 1);
  }
  // A different summation order moves the float result by a few float ulps, which changes its
  // rounding to T only next to a tie; a wrong rounding (truncation, say) shows on about half.
  CHECK(differing * 100 <= narrow.element_count());
}

}  // namespace

// float16 and bfloat16 NHWC tensors that need no copy (multiplier 1 or 2, 3 or 5 filter columns,
// column stride and dilation the input-reusing tiles take) are read and written in place by
// AVX-512's tiles, converted in registers: borders, wide padding, channel tails and the
// large-image stores.
TEST_CASE("16-bit tensors converted in the tiles equal the float result rounded once, every path",
          "[depthwise][property]") {
  RestoreDefaultIsa restore;
  Executor pool(2);
  for (DepthwiseIsa isa : supported_depthwise_isas()) {
    set_depthwise_isa_for_testing(isa);
    std::mt19937 rng(20261129);
    for (int trial = 0; trial < 30; ++trial) {
      const RandomCase r = draw_reusing_tile_case(rng, trial, trial % 7 == 6 ? 2 : 1, 16, 80);
      INFO("kernel path " << depthwise_isa_name(isa) << ", case " << trial << ": " << describe(r));
      Executor* executor = trial % 2 ? &pool : nullptr;
      check_rounded_once<Eigen::half>(r, rng, executor);
      check_rounded_once<Eigen::bfloat16>(r, rng, executor);
    }
    // Beyond 16 MiB of input and output: streamed stores of converted tiles.
    StreamingBeyond16MiB streaming;
    RandomCase large;
    large.n = 1; large.h = large.w = 260; large.c = 64; large.kh = large.kw = 3; large.m = 1;
    large.sh = large.sw = large.dh = large.dw = 1;
    large.padding = "SAME";
    INFO("kernel path " << depthwise_isa_name(isa) << ": " << describe(large));
    check_rounded_once<Eigen::half>(large, rng, nullptr);
    check_rounded_once<Eigen::bfloat16>(large, rng, nullptr);
  }
}

// Multiplier 2 on shapes the AVX-512 input-reusing tiles take: the input is read as it is, each
// channel repeated in registers (half vectors, converted from 16 bits where needed); on other
// paths and shapes, through the repeating copy. float and double against the reference, float16
// and bfloat16 against float rounded once.
TEST_CASE("multiplier 2 with channels repeated in the tiles matches the reference, every dtype and path",
          "[depthwise][property]") {
  RestoreDefaultIsa restore;
  Executor pool(2);
  for (DepthwiseIsa isa : supported_depthwise_isas()) {
    set_depthwise_isa_for_testing(isa);
    std::mt19937 rng(20261130);
    for (int trial = 0; trial < 30; ++trial) {
      // 6 to 140 repeated channels: below, at and across whole vectors.
      const RandomCase r = draw_reusing_tile_case(rng, trial, 2, 3, 70);
      INFO("kernel path " << depthwise_isa_name(isa) << ", case " << trial << ": " << describe(r));
      Executor* executor = trial % 2 ? &pool : nullptr;
      check_against_reference<float>(r, rng, 1e-5, executor);
      check_against_reference<double>(r, rng, 1e-12, executor);
      check_rounded_once<Eigen::half>(r, rng, executor);
      check_rounded_once<Eigen::bfloat16>(r, rng, executor);
    }
  }
}
