#include <catch2/catch.hpp>

#include "tests/support/graph_text.h"

using namespace blockflow;
using test::compile_text;
using test::joined;

TEST_CASE("the seed example validates and infers every output", "[graph]") {
  const auto result = compile_text(test::kSeedExample);
  REQUIRE(joined(result.diagnostics).empty());
  CHECK(result.graph->output_info({"dw", "output"})->to_string() == "float32 [2,1,1,4]");
  CHECK(result.graph->output_info({"dw", "result_output"})->to_string() == "float32 [2,1,1,4]");
  CHECK(result.graph->output_info({"input", "output"})->to_string() == "float32 [2,2,2,2]");
  const auto fetches = result.graph->default_fetches();
  REQUIRE(fetches.size() == 1);
  CHECK(fetches[0].to_string() == "dw.output");
}

TEST_CASE("validation reports every problem at once, each naming block and port", "[graph]") {
  const auto result = compile_text(R"({"blocks": [
      {"id": "a", "type": "Const", "values": {"value": "1", "colour": "red"}},
      {"id": "a", "type": "Const", "values": {"value": "2"}},
      {"id": "m", "type": "Mystery"},
      {"id": "dw", "type": "DepthwiseConv2dNative", "values": {"strides": "1,x,1,1"}},
      {"id": "dw2", "type": "DepthwiseConv2dNative"}],
    "links": [
      {"from": "a.output", "to": "dw.input"},
      {"from": "a.output", "to": "dw.input"},
      {"from": "a.output", "to": "dw.padding"},
      {"from": "a.output", "to": "dw.bias"},
      {"from": "nowhere.output", "to": "dw2.input"},
      {"from": "dw.input", "to": "dw2.filter"},
      {"from": "m.output", "to": "dw2.input"}]})");
  const std::string text = joined(result.diagnostics);
  CHECK_THAT(text, Catch::Contains("block 'a' port 'colour': unknown port (block type 'Const' has dtype, shape, value, output)"));
  CHECK_THAT(text, Catch::Contains("block 'a': duplicate block id 'a'"));
  CHECK_THAT(text, Catch::Contains("block 'm': unknown block type 'Mystery'"));
  CHECK_THAT(text, Catch::Contains("block 'dw' port 'strides': \"x\" is not an integer in integer list \"1,x,1,1\""));
  CHECK_THAT(text, Catch::Contains("block 'dw' port 'input': is linked twice: from a.output and from a.output"));
  CHECK_THAT(text, Catch::Contains("block 'dw' port 'padding': type mismatch: the port takes enum{SAME|VALID|EXPLICIT}, but a.output gives a tensor"));
  CHECK_THAT(text, Catch::Contains("block 'dw' port 'bias': link goes to an unknown port (block type 'DepthwiseConv2dNative' has input, filter, strides, padding, attrs, output, result_output)"));
  CHECK_THAT(text, Catch::Contains("block 'nowhere' port 'output': link comes from a block that does not exist"));
  CHECK_THAT(text, Catch::Contains("block 'dw' port 'input': is an input port; a link must start at an output"));
  CHECK_THAT(text, Catch::Contains("block 'dw' port 'filter': required input is not linked"));
  CHECK(result.diagnostics.size() == 10);
}

TEST_CASE("a cycle is reported with its path", "[graph]") {
  const auto result = compile_text(R"({"blocks": [
      {"id": "f", "type": "Const", "values": {"shape": "1,1,1,1", "value": "1"}},
      {"id": "one", "type": "DepthwiseConv2dNative"},
      {"id": "two", "type": "DepthwiseConv2dNative"},
      {"id": "three", "type": "DepthwiseConv2dNative"}],
    "links": [
      {"from": "one.output", "to": "two.input"}, {"from": "two.output", "to": "three.input"},
      {"from": "three.result_output", "to": "one.input"},
      {"from": "f.output", "to": "one.filter"}, {"from": "f.output", "to": "two.filter"},
      {"from": "f.output", "to": "three.filter"}]})");
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics[0].to_string() == "block 'one': links form a cycle: one -> two -> three -> one");
}

TEST_CASE("shape problems are found before anything runs, through the whole graph", "[graph]") {
  // The second convolution's filter depth no longer fits after the first one's multiplier.
  const auto result = compile_text(R"({"blocks": [
      {"id": "x", "type": "Placeholder", "values": {"dtype": "float", "shape": "-1,-1,-1,3"}},
      {"id": "f1", "type": "Const", "values": {"shape": "3,3,3,2", "value": "1"}},
      {"id": "f2", "type": "Const", "values": {"shape": "3,3,3,1", "value": "1"}},
      {"id": "dw1", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}},
      {"id": "dw2", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}}],
    "links": [
      {"from": "x.output", "to": "dw1.input"}, {"from": "f1.output", "to": "dw1.filter"},
      {"from": "dw1.output", "to": "dw2.input"}, {"from": "f2.output", "to": "dw2.filter"}]})");
  CHECK(joined(result.diagnostics) == "block 'dw2' port 'filter': input and filter must have the same depth: 6 vs 3\n");
  CHECK(result.graph->output_info({"dw1", "output"})->to_string() == "float32 [?,?,?,6]");
}

TEST_CASE("feeds refine placeholder shapes and are checked", "[graph]") {
  const std::string text = R"({"blocks": [
      {"id": "x", "type": "Placeholder", "values": {"dtype": "float", "shape": "-1,-1,-1,2"}},
      {"id": "f", "type": "Const", "values": {"shape": "2,2,2,1", "value": "1"}},
      {"id": "dw", "type": "DepthwiseConv2dNative", "values": {"padding": "VALID"}}],
    "links": [{"from": "x.output", "to": "dw.input"}, {"from": "f.output", "to": "dw.filter"}]})";
  auto result = compile_text(text, {{"x", Tensor(DType::Float32, {1, 5, 4, 2})}});
  REQUIRE(result.ok());
  CHECK(result.graph->output_info({"dw", "output"})->to_string() == "float32 [1,4,3,2]");
  result = compile_text(text, {{"x", Tensor(DType::Float64, {1, 5, 4, 2})}});
  CHECK(joined(result.diagnostics) ==
        "block 'x': the feed is float64 [1,5,4,2], but the Placeholder takes float32 [?,?,?,2]\n");
  result = compile_text(text, {{"x", Tensor(DType::Float32, {1, 5, 4})}});
  CHECK(joined(result.diagnostics) ==
        "block 'x': the feed is float32 [1,5,4], but the Placeholder takes float32 [?,?,?,2]\n");
  result = compile_text(text, {{"f", Tensor(DType::Float32, {1})}});
  CHECK(joined(result.diagnostics) == "block 'f': a feed names block 'f', which is a Const, not a Placeholder\n");
}

TEST_CASE("a tensor over the allocation cap is an error naming block and port", "[graph]") {
  const auto result = compile_text(R"({"blocks": [
      {"id": "huge", "type": "RandomUniform", "values": {"shape": "100000,100000,100000"}}]})");
  CHECK(joined(result.diagnostics) ==
        "block 'huge' port 'output': a float32 tensor of shape [100000,100000,100000] needs 3.6 PiB, over the limit of 4.0 GiB per tensor\n");
}

TEST_CASE("Reshape honours the configured rank limit, not only the compile-time one", "[graph]") {
  const int saved = max_tensor_rank();
  set_max_tensor_rank(3);
  const auto result = compile_text(R"({"blocks": [
      {"id": "c", "type": "Const", "values": {"shape": "2,2", "value": "1"}},
      {"id": "r", "type": "Reshape", "values": {"shape": "1,1,2,2"}}],
    "links": [{"from": "c.output", "to": "r.tensor"}]})");
  set_max_tensor_rank(saved);
  CHECK(joined(result.diagnostics) == "block 'r' port 'shape': rank 4 exceeds the maximum rank 3\n");
}
