// Engine costs, apart from any kernel's speed:
//  1. executor overhead per block on a chain of 10,000 cheap blocks (1x1 depthwise on 4 values);
//  3. load + validate of a 10,000-block page (parse_page + compile_graph), or compile_graph
//     alone on a 10,000-block Graph when the page library is not built.
// (2, peak memory, is bench_memory: it counts allocations, which would slow these down.)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "bench/depthwise_chain.h"
#include "blocks/builtin_blocks.h"
#include "blocks/depthwise_kernel.h"
#include "runtime/compiled_graph.h"
#include "runtime/executor.h"
#if BLOCKFLOW_BENCH_HAVE_PAGE
#include "src/page/page.h"
#endif

using namespace blockflow;
using blockflow::bench::depthwise_chain;

namespace {

using Clock = std::chrono::steady_clock;

// Median and minimum of samples: the median is the figure; the minimum shows what a quiet
// machine gives when other work shares the cores.
struct Summary {
  double median, minimum;
};
Summary summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front()};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }


std::shared_ptr<const CompiledGraph> compiled(const Graph& g) {
  CompileResult result = compile_graph(g, builtin_registry());
  if (!result.ok()) {
    std::fprintf(stderr, "graph does not validate: %s\n", result.diagnostics.front().message.c_str());
    std::exit(1);
  }
  return result.graph;
}

// Seconds of one full run; earlier results are forgotten so every block runs each time.
Summary time_runs(Executor& executor, const CompiledGraph& graph, int runs) {
  std::vector<double> samples;
  for (int i = 0; i < runs; ++i) {
    executor.forget_results();
    const auto start = Clock::now();
    const RunResult result = executor.run(graph, {});
    samples.push_back(seconds_since(start));
    if (!result.ok()) {
      std::fprintf(stderr, "run failed: %s\n", result.failures().front().message.c_str());
      std::exit(1);
    }
  }
  return summary(samples);
}

void executor_overhead() {
  constexpr int kBlocks = 10000;
  const auto graph = compiled(depthwise_chain(kBlocks, "1,2,2,1", "1,1,1,1"));
  // The same kernel called directly, to tell the block's own work from the executor's.
  const Tensor input(DType::Float32, {1, 2, 2, 1}), filter(DType::Float32, {1, 1, 1, 1});
  DepthwiseParams params;
  params.padding = Padding::Same;
  std::vector<double> kernel_samples;
  for (int r = 0; r < 5; ++r) {
    const auto start = Clock::now();
    for (int i = 0; i < kBlocks; ++i) depthwise_conv2d(input, filter, params, nullptr);
    kernel_samples.push_back(seconds_since(start) / kBlocks);
  }
  const double kernel = median(kernel_samples);
  std::printf("# 1. executor overhead, chain of %d DepthwiseConv2dNative 1x1 blocks on 1x2x2x1 (target <= 2 us/block)\n",
              kBlocks);
  for (int threads : {1, 2}) {
    Executor executor(threads);
    const Summary run = time_runs(executor, *graph, 9);
    const double per_block = run.median / (kBlocks + 2), best = run.minimum / (kBlocks + 2);
    std::printf("threads=%d: %.2f us/block in total (minimum %.2f), of which the kernel call itself %.2f us: "
                "executor %.2f us/block\n",
                threads, per_block * 1e6, best * 1e6, kernel * 1e6, (per_block - kernel) * 1e6);
  }
}

#if BLOCKFLOW_BENCH_HAVE_PAGE
// The chain as page text, the way a user's file would hold it.
std::string page_text(const Graph& g) {
  nlohmann::ordered_json page = {{"format", kPageFormat}, {"version", kPageVersion}, {"name", "10k blocks"}};
  page["blocks"] = nlohmann::ordered_json::array();
  for (const auto& b : g.blocks) page["blocks"].push_back({{"id", b.id}, {"type", b.type}, {"values", b.values}});
  page["links"] = nlohmann::ordered_json::array();
  for (const auto& l : g.links) page["links"].push_back({{"from", l.from.to_string()}, {"to", l.to.to_string()}});
  return page.dump(2);
}
#endif

void load_and_validate() {
  constexpr int kBlocks = 10000;
  const Graph graph = depthwise_chain(kBlocks - 2, "1,2,2,1", "1,1,1,1");
  std::vector<double> samples;
#if BLOCKFLOW_BENCH_HAVE_PAGE
  const std::string text = page_text(graph);
  std::printf("\n# 3. load + validate a %d-block page (%zu KiB): parse_page + compile_graph (target <= 100 ms)\n",
              kBlocks, text.size() / 1024);
  for (int r = 0; r < 7; ++r) {
    const auto start = Clock::now();
    PageLoadResult loaded = parse_page(text, ".");
    if (!loaded.ok()) {
      std::fprintf(stderr, "page does not load: %s\n", loaded.problems.front().message.c_str());
      std::exit(1);
    }
    const CompileResult result = compile_graph(loaded.page->graph, builtin_registry());
    samples.push_back(seconds_since(start));
    if (!result.ok()) std::exit(1);
  }
#else
  std::printf("\n# 3. validate a %d-block Graph: compile_graph (page library not built) (target <= 100 ms)\n", kBlocks);
  for (int r = 0; r < 7; ++r) {
    const auto start = Clock::now();
    const CompileResult result = compile_graph(graph, builtin_registry());
    samples.push_back(seconds_since(start));
    if (!result.ok()) std::exit(1);
  }
#endif
  const Summary time = summary(samples);
  std::printf("median %.1f ms (minimum %.1f ms)\n", time.median * 1e3, time.minimum * 1e3);
}

}  // namespace

int main() {
  executor_overhead();
  load_and_validate();
  return 0;
}
