// Our depthwise kernel alone under Google Benchmark, one MobileNet V1 layer per benchmark, for
// profiling (perf record ./build/bench/bench_depthwise_gbench --benchmark_filter=...). The side by
// side comparison with oneDNN and XNNPACK is bench_depthwise.
#include <benchmark/benchmark.h>

#include <random>

#include "blocks/depthwise_kernel.h"

using namespace blockflow;

namespace {

void depthwise(benchmark::State& state) {
  const std::int64_t size = state.range(0), channels = state.range(1), stride = state.range(2);
  Tensor input(DType::Float32, {1, size, size, channels}), filter(DType::Float32, {3, 3, channels, 1});
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> value(-1.f, 1.f);
  for (float& v : input.values<float>()) v = value(rng);
  for (float& v : filter.values<float>()) v = value(rng);
  DepthwiseParams params;
  params.padding = Padding::Same;
  params.stride_h = params.stride_w = stride;
  for (auto _ : state) benchmark::DoNotOptimize(depthwise_conv2d(input, filter, params, nullptr));
  const std::int64_t out = (size + stride - 1) / stride;
  state.counters["GFLOP/s"] = benchmark::Counter(static_cast<double>(2 * out * out * channels * 9),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(depthwise)
    ->ArgNames({"size", "channels", "stride"})
    ->Args({112, 32, 1})
    ->Args({112, 64, 2})
    ->Args({56, 128, 1})
    ->Args({56, 128, 2})
    ->Args({28, 256, 1})
    ->Args({28, 256, 2})
    ->Args({14, 512, 1})
    ->Args({14, 512, 2})
    ->Args({7, 1024, 1});

BENCHMARK_MAIN();
