// Load, validate and run a page with small resource limits: whatever the page says, the run ends
// with results or reported failures, within the limits.
#include <cstdint>
#include <string>

#include "blocks/builtin_blocks.h"
#include "runtime/executor.h"
#include "src/page/page.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  blockflow::set_max_tensor_bytes(1 << 20);
  blockflow::set_max_tensor_rank(6);
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto loaded = blockflow::parse_page(text, "/nonexistent-fuzz-folder");
  if (!loaded.ok()) return 0;
  const auto compiled = blockflow::compile_graph(loaded.page->graph, blockflow::builtin_registry());
  if (!compiled.ok() || compiled.graph->nodes.size() > 64) return 0;
  static blockflow::Executor executor(1);
  blockflow::RunOptions options;
  options.max_run_bytes = 1 << 22;
  try {
    (void)executor.run(*compiled.graph, options);
  } catch (const blockflow::Error&) {
  }
  executor.forget_results();
  return 0;
}
