// Engine cost 2: peak memory of a run against the largest set of tensors that must be alive at
// once. Memory is counted by replacing the global operator new/delete in this program.
#include <malloc.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "bench/depthwise_chain.h"
#include "blocks/builtin_blocks.h"
#include "runtime/compiled_graph.h"
#include "runtime/executor.h"

// ----------------------------------------------------------------------------------------------
// Counting allocator: live and peak bytes of everything allocated through operator new.

namespace {
std::atomic<std::int64_t> g_live{0};
std::atomic<std::int64_t> g_peak{0};

void* counted(void* p) {
  if (!p) throw std::bad_alloc();
  const auto live = g_live.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p))) +
                    static_cast<std::int64_t>(malloc_usable_size(p));
  std::int64_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  return p;
}
void uncounted(void* p) {
  if (!p) return;
  g_live.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)));
  std::free(p);
}
void* aligned(std::size_t size, std::align_val_t alignment) {
  const auto a = static_cast<std::size_t>(alignment);
  return std::aligned_alloc(a, (size + a - 1) / a * a);
}
}  // namespace

void* operator new(std::size_t size) { return counted(std::malloc(size ? size : 1)); }
void* operator new[](std::size_t size) { return counted(std::malloc(size ? size : 1)); }
void* operator new(std::size_t size, std::align_val_t a) { return counted(aligned(size, a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return counted(aligned(size, a)); }
void operator delete(void* p) noexcept { uncounted(p); }
void operator delete[](void* p) noexcept { uncounted(p); }
void operator delete(void* p, std::size_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::size_t) noexcept { uncounted(p); }
void operator delete(void* p, std::align_val_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::align_val_t) noexcept { uncounted(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { uncounted(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { uncounted(p); }

using namespace blockflow;
using blockflow::bench::depthwise_chain;

namespace {


void peak_memory() {
  // 20 blocks on a 1x256x256x16 float tensor (4 MiB): while a block runs, its input and its
  // output must both be alive; the filter is alive throughout.
  constexpr int kBlocks = 20;
  const std::int64_t tensor_bytes = 256 * 256 * 16 * 4, filter_bytes = 3 * 3 * 16 * 4;
  // The baseline is taken before compiling: compilation may already make the Const's tensor.
  const std::int64_t before = g_live.load();
  g_peak.store(before);
  const CompileResult compiled = compile_graph(depthwise_chain(kBlocks, "1,256,256,16", "3,3,16,1"), builtin_registry());
  if (!compiled.ok()) return;
  const auto& graph = compiled.graph;
  Executor executor(2);
  // The first run is the one measured: its peak includes everything the run makes, buffers the
  // tensor allocator keeps for reuse included (a warm-up would hide them, since a second run
  // takes its tensors from that cache instead of allocating).
  const RunResult result = executor.run(*graph, {});
  if (!result.ok()) std::printf("run failed\n");
  const std::int64_t peak = g_peak.load() - before;
  const std::int64_t must = 2 * tensor_bytes + filter_bytes;
  std::printf("# 2. peak memory, chain of %d 3x3 blocks on 1x256x256x16 float (target <= 1.5x)\n", kBlocks);
  std::printf("peak above baseline %.2f MiB, largest set that must be alive %.2f MiB: ratio %.2f\n",
              static_cast<double>(peak) / (1 << 20), static_cast<double>(must) / (1 << 20),
              static_cast<double>(peak) / static_cast<double>(must));
}

}  // namespace

int main() {
  peak_memory();
  return 0;
}
