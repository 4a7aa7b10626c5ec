// The errors of the toolkit blocks, in TensorFlow's wording where TensorFlow has one, found by
// static validation (or, where only the run can know, by the run) and naming block and port.
#include <catch2/catch.hpp>

#include "tests/support/graph_text.h"

using namespace blockflow;

namespace {

struct In {
  std::string port, shape, dtype = "float", value = "1";
};

// A page of Consts (one per input) feeding block "b" of `type` with `values`.
std::string page(const std::string& type, const std::vector<In>& inputs,
                 const std::string& values) {
  std::string blocks, links;
  for (const In& in : inputs) {
    blocks += R"({"id": "c_)" + in.port + R"(", "type": "Const", "values": {"dtype": ")" +
              in.dtype + R"(", "shape": ")" + in.shape + R"(", "value": ")" + in.value + R"("}},)";
    links += std::string(links.empty() ? "" : ",") + R"({"from": "c_)" + in.port +
             R"(.output", "to": "b.)" + in.port + R"("})";
  }
  return R"({"blocks": [)" + blocks + R"({"id": "b", "type": ")" + type + R"(", "values": )" +
         values + R"(}], "links": [)" + links + "]}";
}

// Static problems, or the run's failures when the page validates.
std::string problems(const std::string& type, const std::vector<In>& inputs,
                     const std::string& values = "{}") {
  const auto result = test::compile_text(page(type, inputs, values));
  if (!result.ok()) return test::joined(result.diagnostics);
  Executor executor(1);
  return test::joined(executor.run(*result.graph, {}).failures());
}

std::string inferred(const std::string& type, const std::vector<In>& inputs,
                     const std::string& values, const std::string& port) {
  const auto result = test::compile_text(page(type, inputs, values));
  if (!result.ok()) return test::joined(result.diagnostics);
  return result.graph->output_info({"b", port})->to_string();
}

}  // namespace

TEST_CASE("Conv2D reports TensorFlow's errors", "[toolkit][errors]") {
  const std::string same = R"({"padding": "SAME"})";
  CHECK(problems("Conv2D", {{"input", "1,4,4,3"}, {"filter", "3,3,3,2"}}, same).empty());
  CHECK(problems("Conv2D", {{"input", "4,4,3"}, {"filter", "3,3,3,2"}}, same) ==
        "block 'b' port 'input': input must be 4-dimensional, but got shape [4,4,3]\n");
  CHECK(problems("Conv2D", {{"input", "1,4,4,3"}, {"filter", "3,3,3"}}, same) ==
        "block 'b' port 'filter': filter must be 4-dimensional, but got shape [3,3,3]\n");
  CHECK(problems("Conv2D", {{"input", "1,4,4,3"}, {"filter", "3,3,2,2"}}, same) ==
        "block 'b' port 'filter': input depth must be evenly divisible by filter depth: 3 vs 2\n");
  CHECK(problems("Conv2D", {{"input", "1,4,4,4"}, {"filter", "3,3,2,3"}}, same) ==
        "block 'b' port 'filter': output depth must be evenly divisible by number of groups: 3 vs "
        "2\n");
  CHECK(problems("Conv2D", {{"input", "1,3,3,3"}, {"filter", "5,5,3,2"}}) ==
        "block 'b' port 'input': Computed output size would be negative: -1 [input_size: 3, "
        "effective_filter_size: 5, stride: 1]\n");
  CHECK(problems("Conv2D", {{"input", "1,4,4,3"}, {"filter", "3,3,3,2", "double"}}, same) ==
        "block 'b' port 'filter': input and filter must have the same dtype: float32 vs float64\n");
  CHECK(problems("Conv2D", {{"input", "1,4,4,3"}, {"filter", "3,3,3,2"}},
                 R"({"padding": "SAME", "strides": "1,1,1"})") ==
        "block 'b' port 'strides': Sliding window strides field must specify 4 dimensions\n");
  CHECK(problems("Conv2D", {{"input", "1,4,4,3"}, {"filter", "3,3,3,2"}},
                 R"({"padding": "SAME", "attrs": "dilations_ = 2,1,1,1;"})") ==
        "block 'b' port 'attrs': Current implementation does not yet support dilations in the "
        "batch and depth dimensions.\n");
  CHECK(problems("Conv2D", {{"input", "1,4,4,3", "int32"}, {"filter", "3,3,3,2"}}, same) ==
        "block 'b' port 'input': dtype mismatch: the port takes "
        "tensor<float16|bfloat16|float32|float64>, but c_input.output gives int32\n");
  CHECK(inferred("Conv2D", {{"input", "2,3,8,8"}, {"filter", "3,3,1,6"}},
                 R"({"strides": "1,1,2,2", "padding": "SAME", "attrs": "data_format_ = NCHW;"})",
                 "output") == "float32 [2,6,4,4]");
}

TEST_CASE("MaxPool and AvgPool report TensorFlow's errors", "[toolkit][errors]") {
  for (const char* type : {"MaxPool", "AvgPool"}) {
    INFO(type);
    const std::string ok = R"({"ksize": "1,2,2,1", "strides": "1,2,2,1", "padding": "SAME"})";
    CHECK(problems(type, {{"input", "1,5,5,2"}}, ok).empty());
    CHECK(inferred(type, {{"input", "1,5,5,2"}}, ok, "output") == "float32 [1,3,3,2]");
    CHECK(problems(type, {{"input", "5,5,2"}}, ok) ==
          "block 'b' port 'input': input must be 4-dimensional, but got shape [5,5,2]\n");
    CHECK(problems(type, {{"input", "1,5,5,2"}}, R"({"ksize": "2,2,1", "strides": "1,2,2,1"})") ==
          "block 'b' port 'ksize': Sliding window ksize field must specify 4 dimensions\n");
    CHECK(problems(type, {{"input", "1,5,5,2"}}, R"({"ksize": "1,2,2,1", "strides": "1,2,2"})") ==
          "block 'b' port 'strides': Sliding window stride field must specify 4 dimensions\n");
    CHECK(problems(type, {{"input", "1,5,5,2"}}, R"({"ksize": "2,2,2,1", "strides": "1,2,2,1"})") ==
          "block 'b' port 'ksize': Pooling is not yet supported on the batch dimension.\n");
    CHECK(problems(type, {{"input", "1,5,5,2"}}, R"({"ksize": "1,2,2,2", "strides": "1,2,2,1"})") ==
          "block 'b' port 'ksize': Non-spatial pooling is not yet supported.\n");
    CHECK(problems(type, {{"input", "1,5,5,2"}}, R"({"ksize": "1,0,2,1", "strides": "1,2,2,1"})") ==
          "block 'b' port 'ksize': Sliding window ksize for dimension 1 must be > 0, got 0\n");
    CHECK(problems(type, {{"input", "1,2,2,2"}},
                   R"({"ksize": "1,4,4,1", "strides": "1,1,1,1", "padding": "VALID"})") ==
          "block 'b' port 'input': Computed output size would be negative: -1 [input_size: 2, "
          "effective_filter_size: 4, stride: 1]\n");
    CHECK(problems(type, {{"input", "1,5,5,2"}},
                   R"({"ksize": "1,2,2,1", "strides": "1,2,2,1", "padding": "EXPLICIT"})") ==
          "block 'b' port 'padding': Value for attr 'padding' of \"EXPLICIT\" is not in the list "
          "of allowed values: \"SAME\", \"VALID\"\n");
  }
}

TEST_CASE("FusedBatchNorm reports TensorFlow's errors", "[toolkit][errors]") {
  const auto inputs = [](const std::string& x, const std::string& scale, const std::string& mean) {
    return std::vector<In>{
        {"x", x}, {"scale", scale}, {"offset", "3"}, {"mean", mean}, {"variance", "3"}};
  };
  CHECK(problems("FusedBatchNorm", inputs("1,2,2,3", "3", "3")).empty());
  CHECK(problems("FusedBatchNorm", inputs("2,2,3", "3", "3")) ==
        "block 'b' port 'x': input must be 4-dimensional, but got shape [2,2,3]\n");
  CHECK(problems("FusedBatchNorm", inputs("1,2,2,3", "3,1", "3")) ==
        "block 'b' port 'scale': scale must be 1-dimensional, but got shape [3,1]\n");
  CHECK(problems("FusedBatchNorm", inputs("1,2,2,3", "4", "3")) ==
        "block 'b' port 'scale': scale must have the same number of elements as the channels of x, "
        "got 4 and 3\n");
  CHECK(problems("FusedBatchNorm", inputs("1,2,2,3", "3", "2")) ==
        "block 'b' port 'mean': When is_training=false, mean must have the same number of elements "
        "as the channels of x, got 2 and 3\n");
  CHECK(problems("FusedBatchNorm", inputs("1,3,2,2", "3", "3"),
                 R"({"attrs": "data_format_ = NCHW;"})")
            .empty());
  CHECK(problems("FusedBatchNorm", inputs("1,2,2,3", "3", "3"),
                 R"({"attrs": "is_training_ = true;"})") ==
        "block 'b' port 'attrs': is_training = true is not supported: this block normalizes with "
        "the given mean and variance (inference)\n");
}

TEST_CASE("BiasAdd, Add and Mul report TensorFlow's errors", "[toolkit][errors]") {
  CHECK(problems("BiasAdd", {{"value", "2,3"}, {"bias", "3"}}).empty());
  CHECK(problems("BiasAdd", {{"value", "3"}, {"bias", "3"}}) ==
        "block 'b' port 'value': Input tensor must be at least 2D: [3]\n");
  CHECK(problems("BiasAdd", {{"value", "2,3"}, {"bias", "3,1"}}) ==
        "block 'b' port 'bias': rank mismatch: the port takes rank 1, but c_bias.output gives "
        "float32 [3,1]\n");
  CHECK(problems("BiasAdd", {{"value", "2,3"}, {"bias", "2"}}) ==
        "block 'b' port 'bias': Must provide as many biases as the channel dimension of the input "
        "tensor: [2] vs. [2,3]\n");
  CHECK(problems("BiasAdd", {{"value", "1,3,2,2"}, {"bias", "3"}},
                 R"({"attrs": "data_format_ = NCHW;"})")
            .empty());
  for (const char* type : {"Add", "Mul"}) {
    INFO(type);
    CHECK(inferred(type, {{"x", "2,1,4"}, {"y", "3,1"}}, "{}", "z") == "float32 [2,3,4]");
    CHECK(problems(type, {{"x", "2,3"}, {"y", "4"}}) ==
          "block 'b' port 'y': Incompatible shapes: [2,3] vs. [4]\n");
    CHECK(problems(type, {{"x", "2,3"}, {"y", "3", "double"}}) ==
          "block 'b' port 'y': x and y must have the same dtype: float32 vs float64\n");
  }
}

TEST_CASE("Reshape and Transpose report TensorFlow's errors", "[toolkit][errors]") {
  CHECK(inferred("Reshape", {{"tensor", "2,3"}}, R"({"shape": "3,-1"})", "output") ==
        "float32 [3,2]");
  CHECK(problems("Reshape", {{"tensor", "2,3"}}, R"({"shape": "4"})") ==
        "block 'b' port 'shape': Input to reshape is a tensor with 6 values, but the requested "
        "shape has 4\n");
  CHECK(problems("Reshape", {{"tensor", "2,3"}}, R"({"shape": "-1,4"})") ==
        "block 'b' port 'shape': Input to reshape is a tensor with 6 values, but the requested "
        "shape requires a multiple of 4\n");
  CHECK(problems("Reshape", {{"tensor", "2,3"}}, R"({"shape": "-1,-1"})") ==
        "block 'b' port 'shape': Only one input size may be -1, not both 0 and 1\n");
  CHECK(problems("Reshape", {{"tensor", "2,3"}}, R"({"shape": "-2,3"})") ==
        "block 'b' port 'shape': Size 0 must be non-negative, not -2\n");
  CHECK(problems("Reshape", {{"tensor", "2,0"}}, R"({"shape": "0,-1"})") ==
        "block 'b' port 'shape': Reshape cannot infer the missing input size for an empty tensor "
        "unless all specified input sizes are non-zero\n");
  CHECK(inferred("Reshape", {{"tensor", "2,0"}}, R"({"shape": "0,5"})", "output") ==
        "float32 [0,5]");
  CHECK(inferred("Transpose", {{"x", "2,3,4"}}, R"({"perm": "2,0,1"})", "y") == "float32 [4,2,3]");
  CHECK(problems("Transpose", {{"x", "2,3,4"}}, R"({"perm": "1,0"})") ==
        "block 'b' port 'perm': transpose expects a vector of size 3. But input(1) is a vector of "
        "size 2\n");
  CHECK(problems("Transpose", {{"x", "2,3,4"}}, R"({"perm": "0,3,1"})") ==
        "block 'b' port 'perm': 3 is out of range [0 .. 3)\n");
  CHECK(problems("Transpose", {{"x", "2,3,4"}}, R"({"perm": "0,0,1"})") ==
        "block 'b' port 'perm': 2 is missing from {0,0,1}.\n");
}

TEST_CASE("element-wise blocks check their dtypes", "[toolkit][errors]") {
  CHECK(problems("Sqrt", {{"x", "2", "int32"}}) ==
        "block 'b' port 'x': dtype mismatch: the port takes "
        "tensor<float16|bfloat16|float32|float64>, but c_x.output gives int32\n");
  CHECK(problems("Relu", {{"features", "2", "bool"}}).find("dtype mismatch") != std::string::npos);
  CHECK(inferred("Cast", {{"x", "2,2"}}, R"({"DstT": "int32"})", "y") == "int32 [2,2]");
  CHECK(problems("Cast", {{"x", "2,2"}}, R"({"DstT": "complex64"})").find("port 'DstT'") !=
        std::string::npos);
  CHECK(inferred("Identity", {{"input", "2,2", "uint8"}}, "{}", "output") == "uint8 [2,2]");
}
