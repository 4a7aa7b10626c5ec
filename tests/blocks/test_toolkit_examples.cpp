// The toolkit's example pages compute what they claim: the MobileNet block's activations are
// ReLU6-bounded, the gradient page's gradients are consistent with its forward block, and the
// edge detector finds the edges of the bundled photo.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/support/graph_text.h"

using namespace blockflow;

namespace {

const std::string kExamples = BLOCKFLOW_SOURCE_DIR "/examples";

Graph example_graph(const std::string& file) {
  std::ifstream in(kExamples + "/" + file);
  std::stringstream text;
  text << in.rdbuf();
  Graph graph = test::graph_from_text(text.str());
  graph.base_dir = kExamples;
  return graph;
}

RunResult run(const Graph& graph, std::vector<PortRef> fetches) {
  const auto compiled = compile_graph(graph, builtin_registry());
  INFO(test::joined(compiled.diagnostics));
  REQUIRE(compiled.ok());
  Executor executor(2);
  RunOptions options;
  options.fetches = std::move(fetches);
  auto result = executor.run(*compiled.graph, options);
  INFO(test::joined(result.failures()));
  REQUIRE(result.ok());
  return result;
}

}  // namespace

TEST_CASE("the MobileNet example is a depthwise-separable block with ReLU6 activations",
          "[toolkit][examples]") {
  const auto result = run(example_graph("mobilenet_block.json"),
                          {{"relu1", "activations"}, {"relu2", "activations"}});
  const Tensor& hidden = *result.fetched_tensor({"relu1", "activations"});
  const Tensor& out = *result.fetched_tensor({"relu2", "activations"});
  CHECK(hidden.dims() == Dims{1, 16, 16, 8});
  CHECK(out.dims() == Dims{1, 16, 16, 16});
  for (const Tensor* t : {&hidden, &out}) {
    const auto values = t->values<float>();
    CHECK(*std::min_element(values.begin(), values.end()) == 0.0f);
    CHECK(*std::max_element(values.begin(), values.end()) <= 6.0f);
    CHECK(*std::max_element(values.begin(), values.end()) > 0.0f);
  }
}

TEST_CASE("the gradient example's gradients satisfy the adjoint identity", "[toolkit][examples]") {
  // With dy = y = conv(x, f): <dx, x> = <y, y> = <df, f>, since the convolution is bilinear.
  const auto result = run(example_graph("depthwise_gradients.json"), {{"x", "output"},
                                                                      {"filter", "output"},
                                                                      {"forward", "output"},
                                                                      {"input_grad", "output"},
                                                                      {"filter_grad", "output"}});
  const auto dot = [&](const char* a, const char* b) {
    const auto u = result.fetched_tensor({a, "output"})->values<float>();
    const auto v = result.fetched_tensor({b, "output"})->values<float>();
    REQUIRE(u.size() == v.size());
    double sum = 0;
    for (std::size_t i = 0; i < u.size(); ++i) sum += static_cast<double>(u[i]) * v[i];
    return sum;
  };
  const double energy = dot("forward", "forward");
  CHECK(dot("input_grad", "x") == Approx(energy).epsilon(1e-5));
  CHECK(dot("filter_grad", "filter") == Approx(energy).epsilon(1e-5));
}

TEST_CASE("the edge detector finds the house's walls and not the flat sky", "[toolkit][examples]") {
  Graph graph = example_graph("edge_detector.json");
  // Leave out the WriteImage block so the test writes nothing into examples/.
  graph.blocks.erase(std::remove_if(graph.blocks.begin(), graph.blocks.end(),
                                    [](const auto& b) { return b.id == "save"; }),
                     graph.blocks.end());
  graph.links.erase(std::remove_if(graph.links.begin(), graph.links.end(),
                                   [](const auto& l) { return l.to.block == "save"; }),
                    graph.links.end());
  const auto result = run(graph, {{"magnitude", "y"}});
  const Tensor& edges = *result.fetched_tensor({"magnitude", "y"});
  REQUIRE(edges.dims() == Dims{1, 64, 96, 1});
  const auto at = [&](int y, int x) {
    return edges.values<float>()[static_cast<std::size_t>(y * 96 + x)];
  };
  CHECK(at(40, 20) > 0.5f);   // the house's left wall (x = 20) against the sky
  CHECK(at(5, 10) < 0.05f);   // flat sky (a gentle vertical gradient only)
  CHECK(at(12, 78) < 0.05f);  // inside the sun's disc
}
