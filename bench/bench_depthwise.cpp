// Our depthwise kernel side by side with oneDNN and XNNPACK, fp32 NHWC, in one process.
//
// Fairness rules: every implementation reads the same 64-byte aligned input and filter buffers;
// the peers' one-time work (primitive creation, weight reorder/packing, indirection setup) is
// done before timing, while ours is timed as the executor calls it: depthwise_conv2d on Tensors,
// output allocation included. Each peer's output is checked against ours first. Timings are
// interleaved (ours, oneDNN, XNNPACK in rotating order, round after round) after a warm-up,
// and the median of the rounds is reported.
//
// The last line is the single-thread summary: geomean threads=1 ours/onednn=.. ours/xnnpack=..
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "blocks/depthwise_isa.h"
#include "blocks/depthwise_kernel.h"
#include "blocks/port_builders.h"
#include "runtime/compiled_graph.h"
#include "runtime/executor.h"

#if BLOCKFLOW_BENCH_HAVE_DNNL
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>
#endif
#if BLOCKFLOW_BENCH_HAVE_XNNPACK
#include <pthreadpool.h>
#include <xnnpack.h>
#endif

using namespace blockflow;

namespace {

struct Shape {
  std::string name;
  std::int64_t n, h, w, c, k, m, stride, dilation;
  Padding padding;
};

// --only: the shapes whose name contains this text (all when empty), to look at a few quickly.
std::string g_only;

// MobileNet V1's depthwise layers (batch 1, 3x3 SAME, multiplier 1), then the odd ones out.
std::vector<Shape> all_shapes() {
  return {
      {"mbv1 112x112x32 s1", 1, 112, 112, 32, 3, 1, 1, 1, Padding::Same},
      {"mbv1 112x112x64 s2", 1, 112, 112, 64, 3, 1, 2, 1, Padding::Same},
      {"mbv1 56x56x128 s1", 1, 56, 56, 128, 3, 1, 1, 1, Padding::Same},
      {"mbv1 56x56x128 s2", 1, 56, 56, 128, 3, 1, 2, 1, Padding::Same},
      {"mbv1 28x28x256 s1", 1, 28, 28, 256, 3, 1, 1, 1, Padding::Same},
      {"mbv1 28x28x256 s2", 1, 28, 28, 256, 3, 1, 2, 1, Padding::Same},
      {"mbv1 14x14x512 s1", 1, 14, 14, 512, 3, 1, 1, 1, Padding::Same},
      {"mbv1 14x14x512 s2", 1, 14, 14, 512, 3, 1, 2, 1, Padding::Same},
      {"mbv1 7x7x1024 s1", 1, 7, 7, 1024, 3, 1, 1, 1, Padding::Same},
      {"5x5 56x56x96 s1", 1, 56, 56, 96, 5, 1, 1, 1, Padding::Same},
      {"mult2 56x56x64 s1", 1, 56, 56, 64, 3, 2, 1, 1, Padding::Same},
      {"batch8 56x56x128 s1", 8, 56, 56, 128, 3, 1, 1, 1, Padding::Same},
      {"512x512x16 s1", 1, 512, 512, 16, 3, 1, 1, 1, Padding::Same},
      {"dil2 56x56x128 s1", 1, 56, 56, 128, 3, 1, 1, 2, Padding::Same},
      {"valid 57x57x100 s2", 1, 57, 57, 100, 3, 1, 2, 1, Padding::Valid},
  };
}

std::vector<Shape> shapes() {
  std::vector<Shape> chosen;
  for (const Shape& s : all_shapes())
    if (s.name.find(g_only) != std::string::npos) chosen.push_back(s);
  return chosen;
}

DepthwiseParams params_of(const Shape& s, DataFormat format = DataFormat::NHWC) {
  DepthwiseParams p;
  p.padding = s.padding;
  p.data_format = format;
  p.stride_h = p.stride_w = s.stride;
  p.dilation_h = p.dilation_w = s.dilation;
  return p;
}

// Explicit padding (before and after) of one spatial axis, as TensorFlow computes it.
WindowedSize padding_of(const Shape& s, std::int64_t size) {
  return windowed_output_size(size, s.k, s.dilation, s.stride, s.padding, 0, 0);
}

double flops_of(const Shape& s) {
  const auto rows = padding_of(s, s.h).output, cols = padding_of(s, s.w).output;
  return 2.0 * static_cast<double>(s.n * rows * cols * s.c * s.m * s.k * s.k);
}

template <typename T>
Tensor random_tensor(Dims dims, std::mt19937& rng) {
  Tensor t(dtype_of<T>(), std::move(dims));
  std::uniform_real_distribution<float> value(-1.f, 1.f);
  for (T& v : t.values<T>()) v = static_cast<T>(value(rng));
  return t;
}

// The inputs of one shape, shared by every implementation.
struct Problem {
  Shape shape;
  Tensor input, filter;  // NHWC, [KH, KW, C, M]
  Dims out_dims;
};

Problem make_problem(const Shape& s) {
  std::mt19937 rng(42);
  Problem p{s, random_tensor<float>({s.n, s.h, s.w, s.c}, rng), random_tensor<float>({s.k, s.k, s.c, s.m}, rng), {}};
  p.out_dims = {s.n, padding_of(s, s.h).output, padding_of(s, s.w).output, s.c * s.m};
  return p;
}

// Runs our kernel exactly as the executor does: inside a block's kernel, on the executor's own
// pool (with 2 threads the block runs on a pool thread and parallel_for's helpers are the other
// pool thread), with the KernelContext the executor made. The block is a one-off "bench hook"
// in this program's own registry; its kernel runs whatever work() is set to, and the timing
// loop runs inside it, so the executor's per-run bookkeeping is not counted per call.
class OurKernel {
 public:
  explicit OurKernel(int threads) : executor_(threads) {
    BlockSpec spec;
    spec.name = "BenchHook";
    spec.ports = {ports::tensor_out("output", "a token tensor")};
    spec.infer = [](InferContext& context) { context.set_output("output", {DType::Float32, PartialShape::of({1})}); };
    spec.kernel = [this](KernelContext& context) {
      work_(context);
      context.set_output("output", Tensor(DType::Float32, {1}));
    };
    registry_.add(std::move(spec));
    Graph graph;
    graph.blocks.push_back({"hook", "BenchHook", nlohmann::ordered_json::object()});
    graph_ = compile_graph(graph, registry_).graph;
  }
  // Seconds per call over `repeats` calls.
  double time(const Tensor& input, const Tensor& filter, const DepthwiseParams& params, int repeats) {
    double seconds = 0;
    on_pool([&](const KernelContext& context) {
      const auto start = std::chrono::steady_clock::now();
      // The previous output is let go before each call, as a chain of layers lets a layer's
      // input go once it has run: the call then gets the same memory back from the tensor shelf
      // and works on one input and one output, as the peers do with their one destination.
      // Kept alive, the calls took turns between two outputs, 50% more memory than the peers
      // touch (56x56x128 on the Intel machine: 166 -> 151 us from that alone).
      for (int i = 0; i < repeats; ++i) {
        output_ = Tensor();
        output_ = depthwise_conv2d(input, filter, params, &context);
      }
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / repeats;
    });
    return seconds;
  }
  const Tensor& output() const { return output_; }

 private:
  void on_pool(std::function<void(const KernelContext&)> work) {
    work_ = std::move(work);
    executor_.forget_results();  // or the hook's earlier result would be reused
    if (!executor_.run(*graph_, {}).ok()) throw std::runtime_error("the bench hook block failed");
  }
  Executor executor_;
  BlockRegistry registry_;
  std::shared_ptr<const CompiledGraph> graph_;
  std::function<void(const KernelContext&)> work_;
  Tensor output_;
};

// 64-byte aligned float buffer for the peers' outputs.
struct AlignedFloats {
  explicit AlignedFloats(std::int64_t count)
      : data(static_cast<float*>(std::aligned_alloc(64, static_cast<std::size_t>((count * 4 + 63) / 64 * 64 + 64)))) {}
  ~AlignedFloats() { std::free(data); }
  AlignedFloats(const AlignedFloats&) = delete;
  AlignedFloats& operator=(const AlignedFloats&) = delete;
  float* data;
};

// A timed implementation: time(n) runs n convolutions and returns seconds per call; output()
// is where the result lands.
struct Contender {
  std::string name;
  std::function<double(int)> time;
  std::function<const float*()> output;
};

// Times a plain call from this thread (the peers run their own thread pools from here).
std::function<double(int)> timed_calls(std::function<void()> call) {
  return [call = std::move(call)](int repeats) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < repeats; ++i) call();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / repeats;
  };
}

#if BLOCKFLOW_BENCH_HAVE_DNNL
class OneDnn {
 public:
  OneDnn(const Problem& p, int threads) : engine_(dnnl::engine::kind::cpu, 0), stream_(engine_), out_(count(p.out_dims)) {
    omp_set_num_threads(threads);  // before creation: oneDNN sizes its blocking for the threads
    using dnnl::memory;
    using tag = memory::format_tag;
    const Shape& s = p.shape;
    const auto rows = padding_of(s, s.h), cols = padding_of(s, s.w);
    const memory::dims src_dims{s.n, s.c, s.h, s.w}, dst_dims{s.n, s.c * s.m, rows.output, cols.output};
    const memory::dims weight_dims{s.c, s.m, 1, s.k, s.k};
    const memory::desc src_md(src_dims, memory::data_type::f32, tag::nhwc);
    const memory::desc dst_md(dst_dims, memory::data_type::f32, tag::nhwc);
    const memory::desc any_weights(weight_dims, memory::data_type::f32, tag::any);
    const memory::desc user_weights_md(weight_dims, memory::data_type::f32, tag::hwigo);  // = [KH,KW,C,M]
    dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                         src_md, any_weights, dst_md, {s.stride, s.stride},
                                         {s.dilation - 1, s.dilation - 1}, {rows.pad_before, cols.pad_before},
                                         {rows.pad_after, cols.pad_after});
    dnnl::convolution_forward::primitive_desc pd(desc, engine_);
    implementation_ = pd.impl_info_str();
    memory user_weights(user_weights_md, engine_, const_cast<float*>(p.filter.data<float>()));
    weights_ = memory(pd.weights_desc(), engine_);
    dnnl::reorder(user_weights, weights_).execute(stream_, user_weights, weights_);  // one-time, untimed
    src_ = memory(src_md, engine_, const_cast<float*>(p.input.data<float>()));
    dst_ = memory(dst_md, engine_, out_.data);
    conv_ = dnnl::convolution_forward(pd);
    stream_.wait();
  }
  void run() {
    conv_.execute(stream_, {{DNNL_ARG_SRC, src_}, {DNNL_ARG_WEIGHTS, weights_}, {DNNL_ARG_DST, dst_}});
    stream_.wait();
  }
  const float* output() const { return out_.data; }
  const std::string& implementation() const { return implementation_; }

 private:
  static std::int64_t count(const Dims& d) { return d[0] * d[1] * d[2] * d[3]; }
  dnnl::engine engine_;
  dnnl::stream stream_;
  AlignedFloats out_;
  dnnl::memory src_, weights_, dst_;
  dnnl::convolution_forward conv_;
  std::string implementation_;
};
#endif

#if BLOCKFLOW_BENCH_HAVE_XNNPACK
class Xnnpack {
 public:
  Xnnpack(const Problem& p, int threads) : out_(p.out_dims[0] * p.out_dims[1] * p.out_dims[2] * p.out_dims[3]) {
    static const bool initialised = xnn_initialize(nullptr) == xnn_status_success;
    if (!initialised) throw std::runtime_error("xnn_initialize failed");
    if (threads > 1) pool_ = pthreadpool_create(static_cast<std::size_t>(threads));
    const Shape& s = p.shape;
    const auto rows = padding_of(s, s.h), cols = padding_of(s, s.w);
    auto u32 = [](std::int64_t v) { return static_cast<std::uint32_t>(v); };
    // The depthwise flag takes the filter as [KH, KW, C, M]: exactly ours, no copy.
    check(xnn_create_convolution2d_nhwc_f32(
              u32(rows.pad_before), u32(cols.pad_after), u32(rows.pad_after), u32(cols.pad_before), u32(s.k),
              u32(s.k), u32(s.stride), u32(s.stride), u32(s.dilation), u32(s.dilation), u32(s.c), 1,
              static_cast<std::size_t>(s.m), static_cast<std::size_t>(s.c), static_cast<std::size_t>(s.c * s.m),
              p.filter.data<float>(), nullptr, -INFINITY, INFINITY, XNN_FLAG_DEPTHWISE_CONVOLUTION, &op_),
          "create");
    check(xnn_setup_convolution2d_nhwc_f32(op_, static_cast<std::size_t>(s.n), static_cast<std::size_t>(s.h),
                                           static_cast<std::size_t>(s.w), p.input.data<float>(), out_.data, pool_),
          "setup");
  }
  ~Xnnpack() {
    if (op_) xnn_delete_operator(op_);
    if (pool_) pthreadpool_destroy(pool_);
  }
  Xnnpack(const Xnnpack&) = delete;
  Xnnpack& operator=(const Xnnpack&) = delete;
  void run() { check(xnn_run_operator(op_, pool_), "run"); }
  const float* output() const { return out_.data; }

 private:
  static void check(xnn_status status, const char* what) {
    if (status != xnn_status_success) throw std::runtime_error(std::string("XNNPACK ") + what + " failed");
  }
  AlignedFloats out_;
  pthreadpool_t pool_ = nullptr;
  xnn_operator_t op_ = nullptr;
};
#endif

// Calls per sample, for samples of about `sample_seconds`. Judged from the fastest of many
// single calls over 20 ms: the very first call (page faults of a new output, a cold core) took
// 4x longer, and sizing samples by it gave 1-call samples that never reached steady speed.
int repeats_for(const std::function<double(int)>& time, double sample_seconds) {
  double fastest = time(1), spent = fastest;
  while (spent < 20e-3) {
    const double once = time(1);
    fastest = std::min(fastest, once);
    spent += once;
  }
  return static_cast<int>(std::clamp(sample_seconds / std::max(fastest, 1e-7), 1.0, 100000.0));
}

// The statistic a row reports: the median by default; the minimum (--min) when the machine is
// shared and other work keeps preempting the samples.
bool g_use_minimum = false;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
}

// Pause before each sample. pthreadpool's workers spin for a million pause instructions after
// their last task, about 20 ms on this CPU: with a 10 ms pause XNNPACK's idle worker still held
// one of the two cores when the next contender started, and our 2-thread runs were slower than
// 1-thread ones (7x7x1024: 48.6 us against 19.3) while the same code alone scaled 1.8x.
int g_pause_ms = 40;

// Untimed samples before each timed one, for at least this long. Layers beyond L2 stay slow
// for longer after the pause than one sample: on the Intel machine 512x512x16 (32 MB in and
// out, a 2 ms call, so one call per sample) took 3.7 ms a call after one untimed call, 1.6-2.1
// after three and 1.4-1.5 after eight, its data read back from memory at about 14 GB/s instead
// of from L3 at 28 (blockflow's kernel alone, min and median of 15 samples, pinned).
constexpr double kWarmupSeconds = 20e-3;

void warm_up(const Contender& contender, int repeats) {
  double spent = 0;
  do spent += contender.time(repeats) * repeats;
  while (spent < kWarmupSeconds);
}

// Median seconds per call of each contender, timed in interleaved rounds after a warm-up.
std::vector<double> time_interleaved(const std::vector<Contender>& contenders, int rounds, double sample_seconds = 3e-3) {
  std::vector<int> repeats;
  for (const auto& c : contenders) repeats.push_back(repeats_for(c.time, sample_seconds));
  std::vector<std::vector<double>> samples(contenders.size());
  const int warmup = 3;
  for (int round = 0; round < warmup + rounds; ++round) {
    for (std::size_t j = 0; j < contenders.size(); ++j) {
      const std::size_t i = (j + static_cast<std::size_t>(round)) % contenders.size();  // rotate who goes first
      // Pools spin for a while after their last task; the pause lets the previous contender's
      // threads go to sleep first, so they do not take a core from the next one.
      std::this_thread::sleep_for(std::chrono::milliseconds(g_pause_ms));
      // After the pause this virtual machine's cores come back slowly: the first millisecond
      // of calls ran at a third to a half of their speed (56x56x128: 320, 250, 140, 120, then
      // 100 us), which inflated every contender's 3 ms sample by 20-40%. Untimed samples
      // first, so the timed one sees each library at its steady speed.
      warm_up(contenders[i], repeats[i]);
      const double t = contenders[i].time(repeats[i]);
      if (round >= warmup) samples[i].push_back(t);
    }
  }
  std::vector<double> medians;
  for (auto& s : samples) medians.push_back(g_use_minimum ? *std::min_element(s.begin(), s.end()) : median(s));
  return medians;
}

// Largest difference relative to the largest magnitude of the reference.
double relative_error(const float* reference, const float* other, std::int64_t count) {
  double worst = 0, scale = 1e-30;
  for (std::int64_t i = 0; i < count; ++i) {
    worst = std::max(worst, std::abs(static_cast<double>(reference[i]) - other[i]));
    scale = std::max(scale, std::abs(static_cast<double>(reference[i])));
  }
  return worst / scale;
}

struct Row {
  std::string shape;
  int threads;
  double flops;
  std::vector<std::string> names;
  std::vector<double> seconds;
};

double geomean(const std::vector<double>& values) {
  double log_sum = 0;
  for (double v : values) log_sum += std::log(v);
  return values.empty() ? 0 : std::exp(log_sum / static_cast<double>(values.size()));
}

// Builds the contenders for one shape and thread count; verifies the peers against ours.
Row compare(const Problem& p, int threads, int rounds) {
  OurKernel ours(threads);
  const DepthwiseParams params = params_of(p.shape);
  ours.time(p.input, p.filter, params, 1);
  std::vector<Contender> contenders;
  contenders.push_back({"ours", [&](int repeats) { return ours.time(p.input, p.filter, params, repeats); },
                        [&] { return ours.output().data<float>(); }});
#if BLOCKFLOW_BENCH_HAVE_DNNL
  OneDnn onednn(p, threads);
  contenders.push_back({"onednn", timed_calls([&] { onednn.run(); }), [&] { return onednn.output(); }});
#endif
#if BLOCKFLOW_BENCH_HAVE_XNNPACK
  Xnnpack xnnpack(p, threads);
  contenders.push_back({"xnnpack", timed_calls([&] { xnnpack.run(); }), [&] { return xnnpack.output(); }});
#endif
  const Tensor ours_out = ours.output();
  const std::int64_t count = ours_out.element_count();
  for (std::size_t i = 1; i < contenders.size(); ++i) {
    contenders[i].time(1);
    const double error = relative_error(ours_out.data<float>(), contenders[i].output(), count);
    if (error > 1e-5) {
      std::printf("MISMATCH %s threads=%d: %s differs from ours by %.3g (relative)\n", p.shape.name.c_str(), threads,
                  contenders[i].name.c_str(), error);
      std::exit(1);
    }
  }
#if BLOCKFLOW_BENCH_HAVE_DNNL
  if (threads == 1) std::printf("  (oneDNN implementation for %s: %s)\n", p.shape.name.c_str(), onednn.implementation().c_str());
#endif
  Row row{p.shape.name, threads, flops_of(p.shape), {}, time_interleaved(contenders, rounds)};
  for (const auto& c : contenders) row.names.push_back(c.name);
  return row;
}

void print_row(const Row& r) {
  std::printf("%-22s t=%d", r.shape.c_str(), r.threads);
  for (std::size_t i = 0; i < r.names.size(); ++i)
    std::printf("  %s %8.1f us %6.1f GF/s", r.names[i].c_str(), r.seconds[i] * 1e6, r.flops / r.seconds[i] * 1e-9);
  for (std::size_t i = 1; i < r.names.size(); ++i) std::printf("  ours/%s=%.2f", r.names[i].c_str(), r.seconds[0] / r.seconds[i]);
  std::printf("\n");
}

// Our kernel on one input, format and dtype, as a contender run by `kernel`.
Contender our_contender(OurKernel& kernel, const Shape& s, DataFormat format, DType dtype) {
  std::mt19937 rng(7);
  const Dims in_dims = format == DataFormat::NHWC ? Dims{s.n, s.h, s.w, s.c} : Dims{s.n, s.c, s.h, s.w};
  const Dims f_dims{s.k, s.k, s.c, s.m};
  auto tensors = std::make_shared<std::pair<Tensor, Tensor>>(visit_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, Eigen::half> || std::is_same_v<T, Eigen::bfloat16>)
      return std::pair{random_tensor<T>(in_dims, rng), random_tensor<T>(f_dims, rng)};
    else
      return std::pair{Tensor(), Tensor()};
  }));
  const DepthwiseParams params = params_of(s, format);
  return {"ours", [&kernel, tensors, params](int repeats) { return kernel.time(tensors->first, tensors->second, params, repeats); },
          nullptr};
}

// NCHW against NHWC, and the other dtypes against float32, single thread; the five variants of
// a shape are interleaved round by round, so a drift in the machine's speed hits all of them.
void compare_paths(int rounds, std::vector<double>& nchw, std::vector<double>& f64, std::vector<double>& f16,
                   std::vector<double>& bf16) {
  std::printf("\n# other paths of ours, 1 thread, time relative to float32 NHWC (targets: NCHW <= 1.5, "
              "float64 <= 2.2, float16/bfloat16 <= 1.5)\n");
  for (const Shape& s : shapes()) {
    OurKernel kernel(1);
    const std::vector<double> t = time_interleaved({our_contender(kernel, s, DataFormat::NHWC, DType::Float32),
                                                    our_contender(kernel, s, DataFormat::NCHW, DType::Float32),
                                                    our_contender(kernel, s, DataFormat::NHWC, DType::Float64),
                                                    our_contender(kernel, s, DataFormat::NHWC, DType::Float16),
                                                    our_contender(kernel, s, DataFormat::NHWC, DType::BFloat16)},
                                                   rounds);
    nchw.push_back(t[1] / t[0]);
    f64.push_back(t[2] / t[0]);
    f16.push_back(t[3] / t[0]);
    bf16.push_back(t[4] / t[0]);
    std::printf("%-22s f32 NHWC %8.1f us  NCHW x%.2f  float64 x%.2f  float16 x%.2f  bfloat16 x%.2f\n", s.name.c_str(),
                t[0] * 1e6, nchw.back(), f64.back(), f16.back(), bf16.back());
  }
  std::printf("max: NCHW x%.2f  float64 x%.2f  float16 x%.2f  bfloat16 x%.2f\n",
              *std::max_element(nchw.begin(), nchw.end()), *std::max_element(f64.begin(), f64.end()),
              *std::max_element(f16.begin(), f16.end()), *std::max_element(bf16.begin(), bf16.end()));
}

// Every instruction-set path of ours on float32 NHWC, single thread, interleaved round by round.
void compare_isas(int rounds) {
  std::printf("\n# our instruction-set paths, float32 NHWC, 1 thread (us)\n");
  const std::vector<DepthwiseIsa> isas = supported_depthwise_isas();
  for (const Shape& s : shapes()) {
    OurKernel kernel(1);
    std::vector<Contender> paths;
    for (DepthwiseIsa isa : isas) {
      Contender path = our_contender(kernel, s, DataFormat::NHWC, DType::Float32);
      path.time = [isa, time = path.time](int repeats) {
        set_depthwise_isa_for_testing(isa);
        return time(repeats);
      };
      paths.push_back(std::move(path));
    }
    const std::vector<double> t = time_interleaved(paths, rounds);
    set_depthwise_isa_for_testing(DepthwiseIsa::Auto);
    std::printf("%-22s", s.name.c_str());
    for (std::size_t i = 0; i < isas.size(); ++i)
      std::printf("  %s %8.1f", std::string(depthwise_isa_name(isas[i])).c_str(), t[i] * 1e6);
    std::printf("\n");
  }
}

void print_geomean(const std::vector<Row>& rows, int threads) {
  std::vector<std::vector<double>> ratios(rows.front().names.size());
  for (const Row& r : rows)
    if (r.threads == threads)
      for (std::size_t i = 1; i < r.names.size(); ++i) ratios[i].push_back(r.seconds[0] / r.seconds[i]);
  std::printf("geomean threads=%d", threads);
  for (std::size_t i = 1; i < ratios.size(); ++i) std::printf(" ours/%s=%.2f", rows.front().names[i].c_str(), geomean(ratios[i]));
  std::printf("\n");
}

// The speed-up of 2 threads over 1 on the five shapes with the most arithmetic: ours alone, the
// two thread counts interleaved, measured before any peer's pool exists, so nothing but our own
// threads can hold a core. Samples of 30 ms, ten times the side-by-side ones: a 2-thread sample
// depends on two cores' scheduling, and longer samples average out more of this VM's jitter.
constexpr double kScalingSampleSeconds = 30e-3;

void print_scaling(int rounds) {
  std::vector<Shape> largest = shapes();
  std::sort(largest.begin(), largest.end(), [](const Shape& a, const Shape& b) { return flops_of(a) > flops_of(b); });
  largest.resize(std::min<std::size_t>(5, largest.size()));
  std::printf("\n# ours alone, 2 threads vs 1 on the five largest shapes (target >= 1.8)\n");
  double worst = 1e9;
  for (const Shape& s : largest) {
    const Problem p = make_problem(s);
    const DepthwiseParams params = params_of(s);
    OurKernel one(1), two(2);
    const auto seconds = time_interleaved(
        {{"1 thread", [&](int repeats) { return one.time(p.input, p.filter, params, repeats); }, nullptr},
         {"2 threads", [&](int repeats) { return two.time(p.input, p.filter, params, repeats); }, nullptr}},
        rounds, kScalingSampleSeconds);
    const double speedup = seconds[0] / seconds[1];
    worst = std::min(worst, speedup);
    std::printf("%-22s 1 thread %8.1f us  2 threads %8.1f us  x%.2f\n", s.name.c_str(), seconds[0] * 1e6,
                seconds[1] * 1e6, speedup);
  }
  std::printf("min speed-up x%.2f\n", worst);
}

}  // namespace

// Idle OpenMP threads spin by default and would steal one of the two cores from whoever runs
// next; libgomp reads its policy at load time, so the harness re-executes itself once with the
// passive policy set (an explicit OMP_WAIT_POLICY is respected).
void make_openmp_threads_sleep(char** argv) {
#if BLOCKFLOW_BENCH_HAVE_DNNL
  if (std::getenv("OMP_WAIT_POLICY")) return;
  setenv("OMP_WAIT_POLICY", "passive", 1);
  execv("/proc/self/exe", argv);
  std::perror("re-executing with OMP_WAIT_POLICY=passive");
#else
  (void)argv;
#endif
}

int main(int argc, char** argv) {
  make_openmp_threads_sleep(argv);
  int rounds = 15;
  bool extra = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--peers-only") == 0) extra = false;
    else if (std::strcmp(argv[i], "--min") == 0) g_use_minimum = true;
    else if (std::strcmp(argv[i], "--pause-ms") == 0 && i + 1 < argc) g_pause_ms = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) g_only = argv[++i];
    else {
      std::printf("usage: %s [--rounds N] [--peers-only] [--min] [--pause-ms N] [--only TEXT]\n", argv[0]);
      return 2;
    }
  }
  if (shapes().empty()) {
    std::printf("no shape's name contains \"%s\"\n", g_only.c_str());
    return 2;
  }
  std::printf("# depthwise fp32 NHWC, our path: %s; %s of %d interleaved rounds, %d ms pause before each sample\n",
              std::string(depthwise_isa_name(active_depthwise_isa())).c_str(), g_use_minimum ? "minimum" : "median",
              rounds, g_pause_ms);
  print_scaling(rounds);
  if (extra) {
    std::vector<double> nchw, f64, f16, bf16;
    compare_paths(rounds, nchw, f64, f16, bf16);
    compare_isas(rounds);
  }
  std::printf("\n# ours vs peers (GF/s counts 2*N*OH*OW*C*M*KH*KW)\n");
  std::vector<Row> rows;
  for (const Shape& s : shapes()) {
    const Problem p = make_problem(s);
    for (int threads : {1, 2}) {
      rows.push_back(compare(p, threads, rounds));
      print_row(rows.back());
    }
  }
  if (rows.front().names.size() < 2) {
    std::printf("no peer library was found at configure time; nothing to compare\n");
    return 0;
  }
  std::printf("\n");
  std::vector<double> worst(rows.front().names.size(), 0);
  for (const Row& r : rows)
    if (r.threads == 1)
      for (std::size_t i = 1; i < r.names.size(); ++i) worst[i] = std::max(worst[i], r.seconds[0] / r.seconds[i]);
  for (std::size_t i = 1; i < worst.size(); ++i)
    std::printf("worst shape threads=1 ours/%s=%.2f\n", rows.front().names[i].c_str(), worst[i]);
  print_geomean(rows, 2);
  print_geomean(rows, 1);
  return 0;
}
