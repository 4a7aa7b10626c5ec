// What the exporter refuses, and how it says so: the block (id and type) and what to do.
#include <filesystem>

#include "src/io/atomic_file.h"
#include "tests/onnx/onnx_test_support.h"
#include "tests/support/cli_runner.h"

using namespace blockflow;
using namespace blockflow::test;

namespace {

std::string export_error(const std::string& page_json, int opset = onnx_export::kDefaultOpset) {
  onnx_export::ExportOptions options;
  options.opset = opset;
  try {
    export_json(page_json, options);
  } catch (const onnx_export::ExportError& e) {
    return e.what();
  }
  FAIL("the export succeeded");
  return "";
}

std::string export_page_error(const std::string& path) {
  try {
    onnx_export::export_model(*compile_page_file(path), {});
  } catch (const onnx_export::ExportError& e) {
    return e.what();
  }
  FAIL("the export succeeded");
  return "";
}

const char* const kIntRelu = R"({"blocks": [
  {"id": "x", "type": "Placeholder", "values": {"dtype": "int32", "shape": "4"}},
  {"id": "r", "type": "Relu"}], "links": [{"from": "x.output", "to": "r.features"}]})";

}  // namespace

TEST_CASE("a block without an ONNX equivalent is named with its type and the reason", "[onnx]") {
  CHECK_THAT(export_page_error(kExamplePages + "/edge_detector.json"),
             Catch::StartsWith("block 'photo' (ReadImage): has no ONNX equivalent: it reads an image file"));
  CHECK_THAT(export_page_error(kExamplePages + "/depthwise_gradients.json"),
             Catch::Matches("block '(input|filter)_grad' \\(DepthwiseConv2dNativeBackprop(Input|Filter)\\): has no ONNX "
                            "equivalent: it is a training gradient.*"));
}

TEST_CASE("random blocks: unseeded ones map to ONNX's random operators, except TruncatedNormal", "[onnx]") {
  const auto model = export_json(R"({"blocks": [
    {"id": "u", "type": "RandomUniform", "values": {"shape": "2,3", "dtype": "double"}},
    {"id": "n", "type": "RandomStandardNormal", "values": {"shape": "4"}}]})");
  onnx_export::check_model(model);
  CHECK(node_named(model, "u").op_type() == "RandomUniform");
  CHECK(ints_of(node_named(model, "u"), "shape") == std::vector<std::int64_t>{2, 3});
  CHECK(int_of(node_named(model, "u"), "dtype") == onnx::TensorProto_DataType_DOUBLE);
  CHECK(node_named(model, "n").op_type() == "RandomNormal");
  CHECK_THAT(export_error(R"({"blocks": [{"id": "t", "type": "TruncatedNormal", "values": {"shape": "4"}}]})"),
             Catch::StartsWith("block 't' (TruncatedNormal): has no ONNX equivalent when unseeded") &&
                 Catch::Contains("give it a seed"));
}

TEST_CASE("opsets outside 11 to 17 are refused", "[onnx]") {
  const std::string page = depthwise_page("1,4,4,1", "2,2,1,1", "1,1,1,1", "VALID", "");
  CHECK(export_error(page, 10) == "opset 10 is too old: blockflow exports opset 11 to 17");
  CHECK_THAT(export_error(page, 18), Catch::StartsWith("opset 18 is newer than this build's ONNX library knows (17)"));
}

TEST_CASE("an opset too old for an operator's types names the block and the opset that works", "[onnx]") {
  CHECK(export_error(kIntRelu, 13) ==
        "block 'r' (Relu): ONNX Relu at opset 13 does not take int32 tensors (it does from opset 14: use --opset 14)");
  onnx_export::ExportOptions options;
  options.opset = 14;
  onnx_export::check_model(export_json(kIntRelu, options));
}

TEST_CASE("a Reshape to a size-0 dim needs opset 14's allowzero", "[onnx]") {
  const std::string page = R"({"blocks": [
    {"id": "x", "type": "Placeholder", "values": {"dtype": "float", "shape": "0,3"}},
    {"id": "r", "type": "Reshape", "values": {"shape": "3,0"}}], "links": [{"from": "x.output", "to": "r.tensor"}]})";
  CHECK_THAT(export_error(page, 13), Catch::StartsWith("block 'r' (Reshape): a 0 in the shape needs ONNX Reshape's "
                                                       "allowzero, which exists from opset 14"));
  onnx_export::ExportOptions options;
  options.opset = 14;
  const auto model = export_json(page, options);
  onnx_export::check_model(model);
  CHECK(int_of(node_named(model, "r"), "allowzero") == 1);
}

TEST_CASE("half exports where ONNX takes it, bfloat16 is refused by the operators that do not", "[onnx]") {
  const auto page = [](const std::string& dtype) {
    return R"({"blocks": [
      {"id": "x", "type": "Placeholder", "values": {"dtype": ")" + dtype + R"(", "shape": "1,4,4,2"}},
      {"id": "f", "type": "Const", "values": {"dtype": ")" + dtype + R"(", "shape": "2,2,2,1", "value": "1"}},
      {"id": "dw", "type": "DepthwiseConv2dNative", "values": {"strides": "1,1,1,1", "padding": "SAME"}}],
      "links": [{"from": "x.output", "to": "dw.input"}, {"from": "f.output", "to": "dw.filter"}]})";
  };
  const auto model = export_json(page("half"));
  onnx_export::check_model(model);
  CHECK(model.graph().input(0).type().tensor_type().elem_type() == onnx::TensorProto_DataType_FLOAT16);
  CHECK(find_initializer(model, "dw/weights")->data_type() == onnx::TensorProto_DataType_FLOAT16);
  CHECK_THAT(export_error(page("bfloat16")),
             Catch::StartsWith("block 'dw' (DepthwiseConv2dNative): ONNX Conv at opset 13 does not take bfloat16"));
}

TEST_CASE("a Placeholder without a rank cannot be a graph input", "[onnx]") {
  CHECK_THAT(export_error(R"({"blocks": [{"id": "x", "type": "Placeholder", "values": {"dtype": "float"}},
    {"id": "a", "type": "Abs"}], "links": [{"from": "x.output", "to": "a.x"}]})"),
             Catch::StartsWith("block 'x' (Placeholder): has no shape") && Catch::Contains("-1,-1,-1,3"));
}

TEST_CASE("a failed write leaves the previous model in place and no temporary file", "[onnx]") {
  const auto folder = fresh_folder("onnx_atomic");
  const auto path = folder / "model.onnx";
  write_text(path, "previous model");
  const auto model = onnx_export::export_model(*compile_page_file(kExamplePages + "/seed_depthwise.json"), {});
  set_before_rename_hook([](const std::filesystem::path&) { throw Error("simulated crash before rename"); });
  CHECK_THROWS_WITH(onnx_export::write_model(path, model), Catch::Contains("simulated crash"));
  set_before_rename_hook(nullptr);
  CHECK(slurp(path) == "previous model");
  CHECK(std::distance(std::filesystem::directory_iterator(folder), std::filesystem::directory_iterator{}) == 1);
  onnx_export::write_model(path, model);
  onnx::ModelProto read_back;
  REQUIRE(read_back.ParseFromString(slurp(path)));
  CHECK(read_back.graph().node_size() == 3);
}
