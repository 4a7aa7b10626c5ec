// Every error DepthwiseConv2dNative reports, in TensorFlow's wording, found by static
// validation before any kernel runs.
#include <catch2/catch.hpp>

#include "tests/support/graph_text.h"

using namespace blockflow;

namespace {

// A page with Consts of the given shapes feeding a DepthwiseConv2dNative with the given values.
std::string page(const std::string& input_shape, const std::string& filter_shape, const std::string& dw_values,
                 const std::string& filter_dtype = "float") {
  return R"({"blocks": [
    {"id": "x", "type": "Const", "values": {"dtype": "float", "shape": ")" + input_shape + R"(", "value": "1"}},
    {"id": "f", "type": "Const", "values": {"dtype": ")" + filter_dtype + R"(", "shape": ")" + filter_shape + R"(", "value": "1"}},
    {"id": "dw", "type": "DepthwiseConv2dNative", "values": )" + dw_values + R"(}],
   "links": [{"from": "x.output", "to": "dw.input"}, {"from": "f.output", "to": "dw.filter"}]})";
}

std::string problems(const std::string& input_shape, const std::string& filter_shape, const std::string& dw_values,
                     const std::string& filter_dtype = "float") {
  return test::joined(test::compile_text(page(input_shape, filter_shape, dw_values, filter_dtype)).diagnostics);
}

}  // namespace

TEST_CASE("DepthwiseConv2dNative reports TensorFlow's errors, naming block and port", "[depthwise][errors]") {
  const std::string ok = R"({"strides": "1,1,1,1", "padding": "SAME"})";
  CHECK(problems("1,3,3,2", "2,2,2,1", ok).empty());
  CHECK(problems("3,3,2", "2,2,2,1", ok) ==
        "block 'dw' port 'input': input must be 4-dimensional, but got shape [3,3,2]\n");
  CHECK(problems("1,3,3,2", "2,2,2", ok) ==
        "block 'dw' port 'filter': filter must be 4-dimensional, but got shape [2,2,2]\n");
  CHECK(problems("1,3,3,3", "2,2,2,1", ok) ==
        "block 'dw' port 'filter': input and filter must have the same depth: 3 vs 2\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,1,1", "padding": "SAME"})") ==
        "block 'dw' port 'strides': Sliding window strides field must specify 4 dimensions\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "2,1,1,1", "padding": "SAME"})") ==
        "block 'dw' port 'strides': Current implementation does not yet support strides in the batch and depth dimensions.\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,1,1,2", "padding": "SAME"})") ==
        "block 'dw' port 'strides': Current implementation does not yet support strides in the batch and depth dimensions.\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,0,1,1", "padding": "SAME"})") ==
        "block 'dw' port 'strides': Stride must be > 0, but got 0\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,1,1,1", "padding": "SAME", "attrs": "dilations_ = 1,0,1,1;"})") ==
        "block 'dw' port 'attrs': Dilation rate must be >= 1, but got 0\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,1,1,1", "padding": "EXPLICIT", "attrs": "explicit_paddings_ = 0,0,1,1,2,2;"})") ==
        "block 'dw' port 'attrs': explicit_paddings attribute must contain 8 values, but got: 6\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,1,1,1", "padding": "EXPLICIT", "attrs": "explicit_paddings_ = 0,0,-1,1,2,2,0,0;"})") ==
        "block 'dw' port 'attrs': All elements of explicit_paddings must be nonnegative\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,1,1,1", "padding": "EXPLICIT", "attrs": "explicit_paddings_ = 1,0,1,1,2,2,0,0;"})") ==
        "block 'dw' port 'attrs': Nonzero explicit padding in the batch or depth dimensions is not supported\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,1,1,1", "padding": "SAME", "attrs": "explicit_paddings_ = 0,0,1,1,2,2,0,0;"})") ==
        "block 'dw' port 'attrs': explicit_paddings attribute must be empty if the padding attribute is not EXPLICIT\n");
  CHECK(problems("1,3,3,2", "5,5,2,1", R"({"strides": "1,1,1,1", "padding": "VALID"})") ==
        "block 'dw' port 'input': Computed output size would be negative: -1 [input_size: 3, effective_filter_size: 5, stride: 1]\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,1,1,1", "padding": "FULL"})") ==
        "block 'dw' port 'padding': Value for attr 'padding' of \"FULL\" is not in the list of allowed values: \"SAME\", \"VALID\", \"EXPLICIT\"\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,1,1,1", "padding": "SAME", "attrs": "data_format_ = NWHC;"})") ==
        "block 'dw' port 'attrs': Value for attr 'data_format' of \"NWHC\" is not in the list of allowed values: \"NHWC\", \"NCHW\"\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", R"({"strides": "1,1,1,1", "padding": "SAME", "attrs": "dilations_ = 1,1,1;"})") ==
        "block 'dw' port 'attrs': Sliding window dilations field must specify 4 dimensions\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", ok, "double") ==
        "block 'dw' port 'filter': input and filter must have the same dtype: float32 vs float64\n");
  CHECK(problems("1,3,3,2", "2,2,2,1", ok, "int32") ==
        "block 'dw' port 'filter': dtype mismatch: the port takes tensor<float16|bfloat16|float32|float64>, but f.output gives int32\n");
}

TEST_CASE("padding is accepted in any case and normalized to upper case", "[depthwise][errors]") {
  for (const char* spelling : {"same", "Same", "SAME", " same "}) {
    const auto result = test::compile_text(page("1,3,3,2", "2,2,2,1",
                                                std::string(R"({"strides": "1,2,2,1", "padding": ")") + spelling + "\"}"));
    REQUIRE(result.ok());
    CHECK(result.graph->find("dw")->values.text("padding") == "SAME");
    CHECK(result.graph->output_info({"dw", "output"})->to_string() == "float32 [1,2,2,2]");
  }
}

TEST_CASE("zero sizes give empty tensors", "[depthwise][errors]") {
  // VALID with in=4, K=5, stride 2: (4 - 5 + 2) / 2 = 0 rows, as TensorFlow computes it.
  auto result = test::compile_text(page("1,4,4,2", "5,5,2,1", R"({"strides": "1,2,2,1", "padding": "VALID"})"));
  REQUIRE(result.ok());
  CHECK(result.graph->output_info({"dw", "output"})->to_string() == "float32 [1,0,0,2]");
  result = test::compile_text(page("1,4,4,2", "2,2,2,0", R"({"strides": "1,1,1,1", "padding": "SAME"})"));
  REQUIRE(result.ok());
  CHECK(result.graph->output_info({"dw", "output"})->to_string() == "float32 [1,4,4,0]");
  Executor executor(1);
  const auto run = executor.run(*result.graph, {});
  REQUIRE(run.ok());
  CHECK(run.fetched_tensor({"dw", "output"})->element_count() == 0);
}
