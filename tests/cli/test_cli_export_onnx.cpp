// `blockflow export-onnx` as users run it: output, exit codes, messages, the file left behind.
#include "tests/onnx/onnx_test_support.h"
#include "tests/support/cli_runner.h"

using namespace blockflow;
using namespace blockflow::test;

TEST_CASE("blockflow export-onnx writes the model and says what it holds", "[onnx][cli]") {
  const auto folder = fresh_folder("onnx_cli");
  const auto result = run_cli("export-onnx '" + kExamplePages + "/placeholder_feed.json' -o model.onnx --opset 15", folder);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "wrote model.onnx (ONNX opset 15, 3 nodes)\n  inputs: image\n  outputs: dw.output\n");
  onnx::ModelProto model;
  REQUIRE(model.ParseFromString(slurp(folder / "model.onnx")));
  CHECK(model.opset_import(0).version() == 15);
  onnx_export::check_model(model);
}

TEST_CASE("blockflow export-onnx failures exit 2, name the page and block, and leave the output alone",
          "[onnx][cli]") {
  const auto folder = fresh_folder("onnx_cli_errors");
  write_text(folder / "model.onnx", "previous model");
  auto result = run_cli("export-onnx '" + kExamplePages + "/edge_detector.json' -o model.onnx", folder);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::StartsWith("blockflow: " + kExamplePages +
                                           "/edge_detector.json: block 'photo' (ReadImage): has no ONNX equivalent"));
  result = run_cli("export-onnx '" + kExamplePages + "/seed_depthwise.json' -o model.onnx --opset 9", folder);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::EndsWith("opset 9 is too old: blockflow exports opset 11 to 17\n"));
  result = run_cli("export-onnx '" + kExamplePages + "/seed_depthwise.json' -o model.onnx --fetch dw.nothing", folder);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("block 'dw' (DepthwiseConv2dNative) has no output port 'nothing'"));
  CHECK(slurp(folder / "model.onnx") == "previous model");
  result = run_cli("export-onnx '" + kExamplePages + "/seed_depthwise.json'", folder);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--output is required"));
}
