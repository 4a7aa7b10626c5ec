#include <catch2/catch.hpp>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "blocks/port_builders.h"
#include "runtime/compiled_graph.h"
#include "runtime/registry.h"
#include "tests/support/graph_text.h"

using namespace blockflow;

namespace {

std::vector<float> values_of(const Tensor& t) {
  auto span = t.values<float>();
  return {span.begin(), span.end()};
}

// Records every event, thread-safely.
class RecordingObserver : public RunObserver {
 public:
  void on_block_event(const BlockEvent& event) override {
    std::lock_guard lock(mutex_);
    events.push_back(event);
  }
  std::vector<BlockStatus> statuses_of(const std::string& block) {
    std::lock_guard lock(mutex_);
    std::vector<BlockStatus> list;
    for (const auto& e : events)
      if (e.block == block) list.push_back(e.status);
    return list;
  }
  std::vector<BlockEvent> events;

 private:
  std::mutex mutex_;
};

// Two independent branches; branch b fails at run time (its Const .npy file is missing, which
// validation cannot know once the header read is... so it is made to fail by a bad feed instead).
const char* kBranches = R"({"blocks": [
    {"id": "x", "type": "RandomUniform", "values": {"shape": "2,9,9,4", "seed": 7, "seed2": 1}},
    {"id": "f", "type": "RandomStandardNormal", "values": {"shape": "3,3,4,2", "seed": 3, "seed2": 4}},
    {"id": "dw_a", "type": "DepthwiseConv2dNative", "values": {"strides": "1,2,2,1", "padding": "SAME"}},
    {"id": "dw_a2", "type": "DepthwiseConv2dNative", "values": {"padding": "VALID"}},
    {"id": "g", "type": "Const", "values": {"shape": "1,1,8,1", "value": "0.5"}},
    {"id": "dw_b", "type": "DepthwiseConv2dNative", "values": {"strides": "1,1,1,1", "padding": "SAME", "attrs": "dilations_ = 1,2,2,1;"}},
    {"id": "g2", "type": "Const", "values": {"shape": "2,2,8,1", "value": "1"}}],
  "links": [
    {"from": "x.output", "to": "dw_a.input"}, {"from": "f.output", "to": "dw_a.filter"},
    {"from": "dw_a.output", "to": "dw_a2.input"}, {"from": "g2.output", "to": "dw_a2.filter"},
    {"from": "dw_a.result_output", "to": "dw_b.input"}, {"from": "g.output", "to": "dw_b.filter"}]})";

}  // namespace

TEST_CASE("the seed example gives TensorFlow's result", "[executor]") {
  const auto compiled = test::compile_text(test::kSeedExample);
  REQUIRE(compiled.ok());
  Executor executor(2);
  RunOptions options;
  options.fetches = {{"dw", "result_output"}, {"dw", "output"}};
  const auto result = executor.run(*compiled.graph, options);
  REQUIRE(result.ok());
  const Tensor& out = *result.fetched_tensor({"dw", "result_output"});
  CHECK(out.dims() == Dims{2, 1, 1, 4});
  CHECK(values_of(out) == std::vector<float>{152, 168, 220, 240, 376, 424, 508, 560});
  CHECK(out.identical(*result.fetched_tensor({"dw", "output"})));
}

TEST_CASE("parallel and serial runs give identical results", "[executor]") {
  const auto compiled = test::compile_text(kBranches);
  REQUIRE(test::joined(compiled.diagnostics).empty());
  RunOptions options;
  options.fetches = {{"dw_a2", "output"}, {"dw_b", "output"}, {"x", "output"}};
  Executor serial(1), parallel(2);
  const auto a = serial.run(*compiled.graph, options);
  const auto b = parallel.run(*compiled.graph, options);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  for (const auto& ref : options.fetches) CHECK(a.fetched_tensor(ref)->identical(*b.fetched_tensor(ref)));
}

TEST_CASE("random blocks are deterministic for given seeds", "[executor]") {
  const auto compiled = test::compile_text(kBranches);
  RunOptions options;
  options.fetches = {{"x", "output"}, {"f", "output"}};
  const auto first = Executor(1).run(*compiled.graph, options);
  const auto second = Executor(2).run(*compiled.graph, options);
  CHECK(first.fetched_tensor({"x", "output"})->identical(*second.fetched_tensor({"x", "output"})));
  const auto uniform = values_of(*first.fetched_tensor({"x", "output"}));
  CHECK(*std::min_element(uniform.begin(), uniform.end()) >= 0.0f);
  CHECK(*std::max_element(uniform.begin(), uniform.end()) < 1.0f);
  double mean = 0;
  for (float v : values_of(*first.fetched_tensor({"f", "output"}))) mean += v;
  CHECK(std::abs(mean / 72.0) < 0.5);
}

TEST_CASE("a failing block skips only its downstream, and other branches finish", "[executor]") {
  // The Placeholder's feed passes validation only for the shape seen at compile time; at run
  // time a different feed makes it fail (as a changed file would).
  const std::string text = R"({"blocks": [
      {"id": "p", "type": "Placeholder", "values": {"dtype": "float", "shape": "1,4,4,1"}},
      {"id": "f", "type": "Const", "values": {"shape": "1,1,1,1", "value": "2"}},
      {"id": "bad", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}},
      {"id": "after_bad", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}},
      {"id": "c", "type": "Const", "values": {"shape": "1,4,4,1", "value": "3"}},
      {"id": "good", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}}],
    "links": [
      {"from": "p.output", "to": "bad.input"}, {"from": "f.output", "to": "bad.filter"},
      {"from": "bad.output", "to": "after_bad.input"}, {"from": "f.output", "to": "after_bad.filter"},
      {"from": "c.output", "to": "good.input"}, {"from": "f.output", "to": "good.filter"}]})";
  const auto compiled = test::compile_text(text);
  REQUIRE(compiled.ok());
  for (int threads : {1, 2}) {
    Executor executor(threads);
    RecordingObserver observer;
    RunOptions options;
    options.observer = &observer;
    options.feeds = {{"p", Tensor(DType::Float32, {1, 4, 4, 2})}};
    const auto result = executor.run(*compiled.graph, options);
    CHECK_FALSE(result.ok());
    CHECK(result.blocks.at("p").status == BlockStatus::Failed);
    CHECK(result.blocks.at("p").message ==
          "the feed is float32 [1,4,4,2], but the Placeholder takes float32 [1,4,4,1]");
    CHECK(result.blocks.at("bad").status == BlockStatus::Skipped);
    CHECK(result.blocks.at("after_bad").status == BlockStatus::Skipped);
    CHECK(result.blocks.at("after_bad").message == "upstream block 'bad' was skipped");
    CHECK(result.blocks.at("good").status == BlockStatus::Done);
    CHECK(values_of(*result.fetched_tensor({"good", "output"}))[0] == 6.0f);
    CHECK(observer.statuses_of("good") ==
          std::vector<BlockStatus>{BlockStatus::Pending, BlockStatus::Running, BlockStatus::Done});
    CHECK(observer.statuses_of("p") ==
          std::vector<BlockStatus>{BlockStatus::Pending, BlockStatus::Running, BlockStatus::Failed});
    CHECK(observer.statuses_of("bad") == std::vector<BlockStatus>{BlockStatus::Pending, BlockStatus::Skipped});
    CHECK(result.failures().size() == 1);
  }
}

TEST_CASE("after an edit, a re-run recomputes only the edited block and what depends on it", "[executor]") {
  Graph graph = test::graph_from_text(kBranches);
  Executor executor(2);
  RunOptions options;
  options.keep_results = true;
  options.fetches = {{"dw_a2", "output"}, {"dw_b", "output"}};
  auto compiled = compile_graph(graph, builtin_registry());
  auto first = executor.run(*compiled.graph, options);
  REQUIRE(first.ok());
  CHECK(first.computed == 7);

  auto again = executor.run(*compiled.graph, options);
  CHECK(again.computed == 0);
  CHECK(again.reused == 2);  // the fetched blocks themselves are still valid

  graph.find_block("g")->values["value"] = "0.25";  // an edit on branch b only
  compiled = compile_graph(graph, builtin_registry());
  RecordingObserver observer;
  options.observer = &observer;
  const auto edited = executor.run(*compiled.graph, options);
  REQUIRE(edited.ok());
  CHECK(edited.computed == 2);  // g and dw_b
  CHECK(edited.blocks.at("g").reused == false);
  CHECK(edited.blocks.at("dw_b").reused == false);
  CHECK(edited.blocks.at("dw_a").reused == true);
  CHECK(edited.blocks.at("dw_a2").reused == true);
  CHECK(edited.blocks.count("x") == 0);  // not even looked at: dw_a's result was kept
  const auto before = values_of(*first.fetched_tensor({"dw_b", "output"}));
  const auto after = values_of(*edited.fetched_tensor({"dw_b", "output"}));
  for (std::size_t i = 0; i < before.size(); ++i) CHECK(after[i] == Approx(before[i] / 2));
  CHECK(first.fetched_tensor({"dw_a2", "output"})->identical(*edited.fetched_tensor({"dw_a2", "output"})));
}

TEST_CASE("a re-run reuses a fed block while its feed is the same and recomputes it when the feed changes", "[executor]") {
  const auto compiled = test::compile_text(R"({"blocks": [
      {"id": "p", "type": "Placeholder", "values": {"dtype": "float", "shape": "1,2,2,1"}},
      {"id": "f", "type": "Const", "values": {"shape": "1,1,1,1", "value": "2"}},
      {"id": "dw", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}}],
    "links": [{"from": "p.output", "to": "dw.input"}, {"from": "f.output", "to": "dw.filter"}]})");
  REQUIRE(compiled.ok());
  Executor executor(1);
  RunOptions options;
  options.keep_results = true;
  options.fetches = {{"dw", "output"}};
  const std::vector<float> ones{1, 1, 1, 1}, other{1, 2, 3, 4};
  options.feeds = {{"p", Tensor::from_values<float>({1, 2, 2, 1}, ones)}};
  const auto first = executor.run(*compiled.graph, options);
  REQUIRE(first.ok());
  CHECK(first.computed == 3);
  const auto same = executor.run(*compiled.graph, options);
  CHECK(same.computed == 0);
  options.feeds = {{"p", Tensor::from_values<float>({1, 2, 2, 1}, other)}};
  const auto changed = executor.run(*compiled.graph, options);
  REQUIRE(changed.ok());
  CHECK(changed.computed == 2);  // p and dw; the filter was kept
  CHECK(values_of(*changed.fetched_tensor({"dw", "output"})) == std::vector<float>{2, 4, 6, 8});
}

TEST_CASE("intermediates are released once their consumers are done", "[executor]") {
  const auto compiled = test::compile_text(kBranches);
  RunOptions options;
  options.fetches = {{"dw_a2", "output"}};
  Executor executor(1);
  const auto result = executor.run(*compiled.graph, options);
  REQUIRE(result.ok());
  CHECK_FALSE(executor.kept_output({"dw_a", "output"}).has_value());
  CHECK_FALSE(executor.kept_output({"x", "output"}).has_value());
  CHECK(executor.kept_output({"dw_a2", "output"}).has_value());

  options.keep_results = true;
  Executor keeping(1);
  REQUIRE(keeping.run(*compiled.graph, options).ok());
  CHECK(keeping.kept_output({"dw_a", "output"}).has_value());
  CHECK(keeping.kept_output({"x", "output"}).has_value());
}

TEST_CASE("a cancelled run skips what has not started", "[executor]") {
  const auto compiled = test::compile_text(kBranches);
  CancelToken cancel;
  cancel.cancel();
  RunOptions options;
  options.cancel = &cancel;
  Executor executor(2);
  const auto result = executor.run(*compiled.graph, options);
  CHECK_FALSE(result.ok());
  for (const auto& [id, outcome] : result.blocks) {
    CHECK(outcome.status == BlockStatus::Skipped);
    CHECK(outcome.message == "run cancelled");
  }
}

TEST_CASE("bad run requests are errors naming what is wrong", "[executor]") {
  const auto compiled = test::compile_text(kBranches);
  Executor executor(1);
  RunOptions options;
  options.fetches = {{"dw_a", "bias"}};
  CHECK_THROWS_WITH(executor.run(*compiled.graph, options),
                    "fetch dw_a.bias: block 'dw_a' (DepthwiseConv2dNative) has no output port 'bias'");
  options.fetches = {{"nope", "output"}};
  CHECK_THROWS_WITH(executor.run(*compiled.graph, options), "fetch nope.output: no block 'nope' on the page");

  const auto placeholder = test::compile_text(R"({"blocks": [{"id": "p", "type": "Placeholder"}]})");
  CHECK_THROWS_WITH(executor.run(*placeholder.graph, {}), "block 'p' (Placeholder) needs a feed, and none was given");
}

TEST_CASE("kernels may split work on the pool from inside a block", "[executor]") {
  Executor executor(2);
  std::vector<int> hits(1000, 0);
  executor.parallel_for(1000, 10, [&](std::int64_t begin, std::int64_t end) {
    executor.parallel_for(end - begin, 1, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t i = begin + b; i < begin + e; ++i) ++hits[static_cast<std::size_t>(i)];
    });
  });
  CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
}

// A chain runs on one pool thread: each block's successor continues on the thread that ran it
// rather than going back through the pool's queues, whose hand-over could land it on the other
// thread and woke that thread for each block (bench_engine: 2-thread overhead per block 1.8-2.2
// us before, 1.4-1.5 after). Branches still go to the pool.
TEST_CASE("a chain of blocks continues on the thread that ran its first block", "[executor]") {
  BlockRegistry registry;
  std::mutex mutex;
  std::set<std::thread::id> threads;
  BlockSpec spec;
  spec.name = "Step";
  PortSpec in = ports::tensor_in("x", {DType::Float32}, "the previous step");
  in.required = false;
  spec.ports = {in, ports::tensor_out("output", "the same tensor")};
  spec.infer = [](InferContext& context) { context.set_output("output", {DType::Float32, PartialShape::of({1})}); };
  spec.kernel = [&](KernelContext& context) {
    {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    }
    std::this_thread::sleep_for(std::chrono::microseconds(100));  // time for the other thread to steal
    context.set_output("output", Tensor(DType::Float32, {1}));
  };
  registry.add(std::move(spec));
  auto id = [](int i) {
    std::string text = "s";
    text += std::to_string(i);
    return text;
  };
  Graph graph;
  for (int i = 0; i < 40; ++i) {
    graph.blocks.push_back({id(i), "Step", nlohmann::ordered_json::object()});
    if (i > 0) graph.links.push_back({{id(i - 1), "output"}, {id(i), "x"}});
  }
  const auto compiled = compile_graph(graph, registry).graph;
  Executor executor(2);
  RunOptions options;
  options.fetches = {{"s39", "output"}};
  REQUIRE(executor.run(*compiled, options).ok());
  CHECK(threads.size() == 1);
}

// Kernels size their work items by the threads that can share them (the depthwise kernel: whole
// small images per item on one thread, smaller items for two).
TEST_CASE("kernels are told how many threads share their parallel work", "[executor]") {
  BlockRegistry registry;
  int seen = 0;
  BlockSpec spec;
  spec.name = "CountWorkers";
  spec.ports = {ports::tensor_out("output", "a token tensor")};
  spec.infer = [](InferContext& context) { context.set_output("output", {DType::Float32, PartialShape::of({1})}); };
  spec.kernel = [&](KernelContext& context) {
    seen = context.workers();
    context.set_output("output", Tensor(DType::Float32, {1}));
  };
  registry.add(std::move(spec));
  Graph graph;
  graph.blocks.push_back({"count", "CountWorkers", nlohmann::ordered_json::object()});
  const auto compiled = compile_graph(graph, registry).graph;
  for (int threads : {1, 2, 3}) {
    Executor executor(threads);
    REQUIRE(executor.run(*compiled, {}).ok());
    CHECK(seen == threads);
  }
}
