// The ONNX exporter's graphs: what each block becomes, checked node by node, and that every
// exported model passes onnx::checker and ONNX's strict shape inference.
#include <filesystem>

#include "src/onnx/block_export.h"
#include "tests/onnx/onnx_test_support.h"

using namespace blockflow;
using namespace blockflow::test;
using Ints = std::vector<std::int64_t>;
using Names = std::vector<std::string>;

TEST_CASE("the seed example: Transpose, Conv with group = C, Transpose, and the filter folded to C*M x 1 x KH x KW",
          "[onnx]") {
  const auto model = onnx_export::export_model(*compile_page_file(kExamplePages + "/seed_depthwise.json"), {});
  onnx_export::check_model(model);
  CHECK(op_types(model) == Names{"Transpose", "Conv", "Transpose"});
  const auto& conv = node_named(model, "dw");
  CHECK(int_of(conv, "group") == 2);
  CHECK(ints_of(conv, "kernel_shape") == Ints{2, 2});
  CHECK(ints_of(conv, "strides") == Ints{2, 2});
  CHECK(ints_of(conv, "dilations") == Ints{1, 1});
  CHECK(ints_of(conv, "pads") == Ints{0, 0, 0, 0});
  CHECK(ints_of(node_named(model, "dw/Transpose"), "perm") == Ints{0, 3, 1, 2});
  CHECK(ints_of(node_named(model, "dw/Transpose2"), "perm") == Ints{0, 2, 3, 1});
  // The Const input is an initializer; the filter only exists folded into the weights.
  REQUIRE(find_initializer(model, "input"));
  CHECK(dims_of(*find_initializer(model, "input")) == Ints{2, 2, 2, 2});
  CHECK_FALSE(find_initializer(model, "filter"));
  const auto* weights = find_initializer(model, "dw/weights");
  REQUIRE(weights);
  CHECK(dims_of(*weights) == Ints{4, 1, 2, 2});
  // filter[y][x][k][q] = 1 + 8y + 4x + 2k + q lands at weights[k*M + q][0][y][x].
  const auto w = values_of<float>(*weights);
  for (int k = 0; k < 2; ++k)
    for (int q = 0; q < 2; ++q)
      for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x)
          CHECK(w[static_cast<std::size_t>(((k * 2 + q) * 2 + y) * 2 + x)] == static_cast<float>(1 + 8 * y + 4 * x + 2 * k + q));
  REQUIRE(model.graph().output_size() == 1);
  CHECK(model.graph().output(0).name() == "dw.output");
  CHECK(shape_of(model.graph().output(0)) == Names{"d2", "d1", "d1", "d4"});
  CHECK(model.opset_import(0).version() == 13);
}

TEST_CASE("SAME padding is written as explicit pads, split like TensorFlow (the odd pixel after)", "[onnx]") {
  struct Case {
    std::string input, filter, strides;
    Ints pads;  // top, left, bottom, right
  };
  const Case cases[] = {
      {"1,8,8,4", "3,3,4,1", "1,2,2,1", {0, 0, 1, 1}},   // stride 2 on an even size: 1 pixel, after
      {"1,7,7,4", "3,3,4,1", "1,2,2,1", {1, 1, 1, 1}},   // odd size: symmetric
      {"1,5,6,4", "2,4,4,1", "1,1,1,1", {0, 1, 1, 2}},   // even kernels at stride 1
      {"1,9,4,4", "3,3,4,2", "1,3,1,1", {0, 1, 0, 1}},   // unequal strides
  };
  for (const auto& c : cases) {
    INFO(c.input << " filter " << c.filter << " strides " << c.strides);
    const auto model = export_json(depthwise_page(c.input, c.filter, c.strides, "SAME", "data_format_ = NHWC;"));
    onnx_export::check_model(model);
    CHECK(ints_of(node_named(model, "dw"), "pads") == c.pads);
    CHECK_FALSE(find_attribute(node_named(model, "dw"), "auto_pad"));
  }
}

TEST_CASE("NCHW needs no Transposes, and dilations and strides carry over", "[onnx]") {
  const auto model = export_json(depthwise_page("2,3,9,8", "3,2,3,2", "1,1,1,2", "SAME",
                                                "data_format_ = NCHW; dilations_ = 1,1,2,3;"));
  onnx_export::check_model(model);
  CHECK(op_types(model) == Names{"Conv"});
  const auto& conv = node_named(model, "dw");
  CHECK(int_of(conv, "group") == 3);
  CHECK(ints_of(conv, "dilations") == Ints{2, 3});
  CHECK(ints_of(conv, "strides") == Ints{1, 2});
  // Rows: effective 5, stride 1: 4 = 2 + 2. Cols: effective 4, out 4, needed 3*2 + 4 - 8 = 2.
  CHECK(ints_of(conv, "pads") == Ints{2, 1, 2, 1});
  CHECK(dims_of(*find_initializer(model, "dw/weights")) == Ints{6, 1, 3, 2});
}

TEST_CASE("EXPLICIT padding is written as given, in ONNX's order", "[onnx]") {
  const auto model = export_json(depthwise_page("1,5,6,3", "3,2,3,1", "1,2,1,1", "EXPLICIT",
                                                "data_format_ = NHWC; explicit_paddings_ = 0,0,1,2,0,3,0,0;"));
  onnx_export::check_model(model);
  CHECK(ints_of(node_named(model, "dw"), "pads") == Ints{1, 0, 2, 3});
}

TEST_CASE("a size known only when fed: explicit pads at stride 1, SAME_UPPER at stride 2", "[onnx]") {
  const auto stride1 = export_json(depthwise_page("-1,-1,-1,2", "3,3,2,1", "1,1,1,1", "SAME", ""));
  onnx_export::check_model(stride1);
  CHECK(ints_of(node_named(stride1, "dw"), "pads") == Ints{1, 1, 1, 1});
  const auto stride2 = export_json(depthwise_page("-1,-1,-1,2", "3,3,2,1", "1,2,2,1", "SAME", ""));
  onnx_export::check_model(stride2);
  const auto* auto_pad = find_attribute(node_named(stride2, "dw"), "auto_pad");
  REQUIRE(auto_pad);
  CHECK(auto_pad->s() == "SAME_UPPER");
  CHECK_FALSE(find_attribute(node_named(stride2, "dw"), "pads"));
}

TEST_CASE("Placeholders become graph inputs with symbolic unknown dims", "[onnx]") {
  const auto model = onnx_export::export_model(*compile_page_file(kExamplePages + "/placeholder_feed.json"), {});
  onnx_export::check_model(model);
  REQUIRE(model.graph().input_size() == 1);
  const auto& input = model.graph().input(0);
  CHECK(input.name() == "image");
  CHECK(input.type().tensor_type().elem_type() == onnx::TensorProto_DataType_FLOAT);
  CHECK(shape_of(input) == Names{"image_dim0", "image_dim1", "image_dim2", "d3"});
  CHECK(shape_of(model.graph().output(0)) == Names{"?", "?", "?", "d6"});
}

TEST_CASE("a filter computed at run time is rearranged by Transpose and Reshape nodes", "[onnx]") {
  const auto model = export_json(R"({"blocks": [
    {"id": "x", "type": "Placeholder", "values": {"dtype": "float", "shape": "1,5,5,2"}},
    {"id": "f", "type": "Placeholder", "values": {"dtype": "float", "shape": "-1,-1,2,3"}},
    {"id": "dw", "type": "DepthwiseConv2dNative", "values": {"strides": "1,1,1,1", "padding": "VALID"}}],
    "links": [{"from": "x.output", "to": "dw.input"}, {"from": "f.output", "to": "dw.filter"}]})");
  onnx_export::check_model(model);
  CHECK(op_types(model) == Names{"Transpose", "Reshape", "Transpose", "Conv", "Transpose"});
  CHECK(ints_of(node_named(model, "dw/Transpose"), "perm") == Ints{2, 3, 0, 1});
  CHECK(values_of<std::int64_t>(*find_initializer(model, "dw/weights_shape")) == Ints{-1, 1, 0, 0});
  CHECK(int_of(node_named(model, "dw"), "group") == 2);
  CHECK_FALSE(find_attribute(node_named(model, "dw"), "kernel_shape"));  // the kernel size is not known
}

TEST_CASE("the MobileNet block: seeded random blocks become their exact values, batch norm and Relu6 map",
          "[onnx]") {
  const auto model = onnx_export::export_model(*compile_page_file(kExamplePages + "/mobilenet_block.json"), {});
  onnx_export::check_model(model);
  CHECK(op_types(model) == Names{"Transpose", "Conv", "Transpose", "Transpose", "BatchNormalization", "Transpose",
                                 "Clip", "Transpose", "Conv", "Transpose", "Transpose", "BatchNormalization",
                                 "Transpose", "Clip"});
  CHECK(dims_of(*find_initializer(model, "input")) == Ints{1, 16, 16, 8});
  CHECK(dims_of(*find_initializer(model, "dw/weights")) == Ints{8, 1, 3, 3});
  CHECK(dims_of(*find_initializer(model, "pw/weights")) == Ints{16, 8, 1, 1});
  CHECK(int_of(node_named(model, "pw"), "group") == 1);
  CHECK(node_named(model, "bn1").attribute(0).f() == Approx(0.001f));
  CHECK(values_of<float>(*find_initializer(model, "relu1/max")) == std::vector<float>{6});
}

TEST_CASE("pools: SAME as explicit pads, and AvgPool leaves the padding out of the count", "[onnx]") {
  const auto model = onnx_export::export_model(*compile_page_file(kOnnxPages + "/toolkit_nhwc.json"), {});
  onnx_export::check_model(model);
  const auto& avg = node_named(model, "avgpool");
  CHECK(avg.op_type() == "AveragePool");
  CHECK(int_of(avg, "count_include_pad") == 0);
  CHECK(ints_of(avg, "kernel_shape") == Ints{3, 3});
  CHECK(ints_of(avg, "pads") == Ints{0, 0, 1, 1});  // 6 -> 3 at stride 2: 2*2 + 3 - 6 = 1 pixel, after
  CHECK(ints_of(node_named(model, "maxpool"), "pads") == Ints{0, 0, 1, 1});
  CHECK(ints_of(node_named(model, "avgpool_valid"), "pads") == Ints{0, 0, 0, 0});
}

TEST_CASE("every block of the toolkit page maps to its ONNX operator", "[onnx]") {
  const auto model = onnx_export::export_model(*compile_page_file(kOnnxPages + "/toolkit_nchw.json"), {});
  onnx_export::check_model(model);
  const std::pair<const char*, const char*> expected[] = {
      {"conv", "Conv"},    {"biased", "Add"}, {"relu", "Relu"}, {"maxpool", "MaxPool"}, {"avgpool", "AveragePool"},
      {"abs", "Abs"},      {"sqrt", "Sqrt"},  {"square", "Mul"}, {"sum", "Add"},        {"scaled", "Mul"},
      {"nhwc", "Transpose"}, {"flat", "Reshape"}, {"same", "Identity"}, {"as_double", "Cast"}, {"clipped", "Clip"}};
  for (const auto& [block, op] : expected) CHECK(node_named(model, block).op_type() == op);
  CHECK(int_of(node_named(model, "conv"), "group") == 2);
  CHECK(dims_of(*find_initializer(model, "conv/weights")) == Ints{6, 2, 3, 3});
  CHECK(dims_of(*find_initializer(model, "biased/bias_c11")) == Ints{6, 1, 1});  // NCHW bias along dim 1
  CHECK(int_of(node_named(model, "as_double"), "to") == onnx::TensorProto_DataType_DOUBLE);
  CHECK(values_of<std::int64_t>(*find_initializer(model, "flat/shape")) == Ints{1, -1});
  CHECK(shape_of(model.graph().output(0)) == Names{"d1", "d24"});
  CHECK(model.graph().output(0).type().tensor_type().elem_type() == onnx::TensorProto_DataType_DOUBLE);
}

TEST_CASE("every exported test page and example passes onnx::checker at every opset", "[onnx]") {
  std::vector<std::string> pages = {kExamplePages + "/seed_depthwise.json", kExamplePages + "/mobilenet_block.json",
                                    kExamplePages + "/placeholder_feed.json", kExamplePages + "/random_input.json"};
  for (const auto& entry : std::filesystem::directory_iterator(kOnnxPages)) pages.push_back(entry.path().string());
  for (const auto& page : pages) {
    for (int opset = onnx_export::kMinOpset; opset <= onnx_export::newest_known_opset(); ++opset) {
      INFO(page << " at opset " << opset);
      onnx_export::ExportOptions options;
      options.opset = opset;
      const auto model = onnx_export::export_model(*compile_page_file(page), options);
      CHECK_NOTHROW(onnx_export::check_model(model));
    }
  }
}

TEST_CASE("every block of the catalog either maps to ONNX or says why it cannot", "[onnx]") {
  for (const BlockSpec* spec : builtin_registry().all()) {
    INFO(spec->name);
    CHECK((onnx_export::find_block_mapper(spec->name) || !onnx_export::why_not_exportable(spec->name).empty()));
  }
}

TEST_CASE("fetches choose the graph outputs, and an alias or pass-through port is copied by an Identity", "[onnx]") {
  onnx_export::ExportOptions options;
  options.fetches = {{"dw", "result_output"}, {"input", "output"}};
  const auto model = onnx_export::export_model(*compile_page_file(kExamplePages + "/seed_depthwise.json"), options);
  onnx_export::check_model(model);
  REQUIRE(model.graph().output_size() == 2);
  CHECK(model.graph().output(0).name() == "dw.result_output");
  CHECK(model.graph().output(1).name() == "input.output");
  CHECK(node_named(model, "dw/fetch_result_output").op_type() == "Identity");
  CHECK(node_named(model, "input/fetch_output").input(0) == "input");
}

TEST_CASE("only the blocks the fetches depend on are exported", "[onnx]") {
  // The edge detector reads and writes images, but its sobel filter alone exports.
  onnx_export::ExportOptions options;
  options.fetches = {{"sobel", "output"}};
  const auto model = onnx_export::export_model(*compile_page_file(kExamplePages + "/edge_detector.json"), options);
  onnx_export::check_model(model);
  CHECK(model.graph().node_size() == 1);
  CHECK(model.graph().output(0).name() == "sobel.output");
}
