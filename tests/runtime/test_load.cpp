// Load: many pages one after another in one process, many runs of one page at once on a shared
// pool, and cancelled runs — with every tensor released afterwards. The sanitizer builds run these
// under LeakSanitizer and ThreadSanitizer.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "src/page/page.h"
#include "tests/support/graph_text.h"

using namespace blockflow;

namespace {

std::string example_text(const char* name) {
  std::ifstream in(std::string(BLOCKFLOW_SOURCE_DIR) + "/examples/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Cancels the run as soon as the named block has finished.
class CancelAfter : public RunObserver {
 public:
  CancelAfter(std::string block, CancelToken& token) : block_(std::move(block)), token_(token) {}
  void on_block_event(const BlockEvent& event) override {
    if (event.block == block_ && event.status == BlockStatus::Done) token_.cancel();
  }

 private:
  std::string block_;
  CancelToken& token_;
};

const char* kChain = R"({"blocks": [
    {"id": "x", "type": "RandomUniform", "values": {"shape": "1,64,64,16", "seed": 5, "seed2": 6}},
    {"id": "f", "type": "Const", "values": {"shape": "3,3,16,1", "value": "0.1"}},
    {"id": "a", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}},
    {"id": "b", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}},
    {"id": "c", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}},
    {"id": "d", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}}],
  "links": [
    {"from": "x.output", "to": "a.input"}, {"from": "f.output", "to": "a.filter"},
    {"from": "a.output", "to": "b.input"}, {"from": "f.output", "to": "b.filter"},
    {"from": "b.output", "to": "c.input"}, {"from": "f.output", "to": "c.filter"},
    {"from": "c.output", "to": "d.input"}, {"from": "f.output", "to": "d.filter"}]})";

}  // namespace

TEST_CASE("1000 pages run one after another in one process, releasing everything", "[load]") {
  const std::int64_t baseline = live_tensor_bytes();
  const std::string text = example_text("random_input.json");
  Executor executor(2);
  for (int i = 0; i < 1000; ++i) {
    // A different seed each time, so nothing is reused from the previous page.
    std::string page_text = text;
    std::string seed = std::to_string(1000 + i);
    seed.insert(seed.begin(), '"');
    seed.push_back('"');
    page_text.replace(page_text.find("\"42\""), 4, seed);
    const auto loaded = parse_page(page_text, ".");
    REQUIRE(loaded.ok());
    const auto compiled = compile_graph(loaded.page->graph, builtin_registry());
    REQUIRE(compiled.ok());
    const auto result = executor.run(*compiled.graph, {});
    REQUIRE(result.ok());
    REQUIRE(result.fetched.size() == 1);
  }
  executor.forget_results();
  CHECK(live_tensor_bytes() == baseline);
}

TEST_CASE("100 runs of a page at once on one shared pool agree and release everything", "[load]") {
  const std::int64_t baseline = live_tensor_bytes();
  const auto compiled = test::compile_text(kChain);
  REQUIRE(compiled.ok());
  Executor executor(2);
  Tensor expected;
  {
    Executor serial(1);
    expected = serial.run(*compiled.graph, {}).fetched.at(0).second;
  }
  std::vector<std::thread> runners;
  std::atomic<int> identical{0};
  for (int i = 0; i < 100; ++i) {
    runners.emplace_back([&] {
      const auto result = executor.run(*compiled.graph, {});
      if (result.ok() && result.fetched.at(0).second.identical(expected)) ++identical;
    });
  }
  for (auto& runner : runners) runner.join();
  CHECK(identical == 100);
  executor.forget_results();
  expected = Tensor();
  CHECK(live_tensor_bytes() == baseline);
}

TEST_CASE("a run cancelled midway releases all its memory", "[load]") {
  const std::int64_t baseline = live_tensor_bytes();
  const auto compiled = test::compile_text(kChain);
  for (int threads : {1, 2}) {
    Executor executor(threads);
    CancelToken cancel;
    CancelAfter observer("b", cancel);
    RunOptions options;
    options.cancel = &cancel;
    options.observer = &observer;
    {
      const auto result = executor.run(*compiled.graph, options);
      CHECK_FALSE(result.ok());
      CHECK(result.blocks.at("b").status == BlockStatus::Done);
      CHECK(result.blocks.at("d").status == BlockStatus::Skipped);
      CHECK(result.blocks.at("d").message == "run cancelled");
      CHECK(result.fetched.empty());
    }
    executor.forget_results();
    CHECK(live_tensor_bytes() == baseline);
  }
}

TEST_CASE("peak memory of a run stays near the tensors that must be alive at once", "[load]") {
  // A chain releases each intermediate once its consumer is done: at most the input, the filter,
  // one intermediate being read and one being written are alive together.
  const auto compiled = test::compile_text(kChain);
  Executor executor(1);
  const auto result = executor.run(*compiled.graph, {});
  REQUIRE(result.ok());
  const std::int64_t activation = 64 * 64 * 16 * 4, filter = 3 * 3 * 16 * 4;
  CHECK(result.peak_bytes <= 2 * activation + filter);
  CHECK(result.peak_bytes >= activation + filter);
}
