// The blockflow CLI as users run it: results, files, JSON, exit codes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>

#include "blocks/builtin_blocks.h"
#include "src/io/npy.h"
#include "tests/support/cli_runner.h"

using namespace blockflow;
using test::run_cli;

namespace {
const std::string kExamples = BLOCKFLOW_SOURCE_DIR "/examples";
}

TEST_CASE("blockflow run prints and writes the seed example's result", "[cli]") {
  const auto folder = test::fresh_folder("seed");
  const auto result = run_cli("run '" + kExamples + "/seed_depthwise.json' --fetch dw.result_output --fetch dw.output --out out", folder);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out ==
        "dw.result_output: float32 [2,1,1,4]\n[[[[152 168 220 240]]]\n\n\n [[[376 424 508 560]]]]\n"
        "dw.output: float32 [2,1,1,4]\n[[[[152 168 220 240]]]\n\n\n [[[376 424 508 560]]]]\n");
  for (const char* name : {"out/dw.result_output.npy", "out/dw.output.npy"}) {
    const Tensor written = read_npy(folder / name);
    CHECK(written.dims() == Dims{2, 1, 1, 4});
    auto values = written.values<float>();
    CHECK(std::vector<float>(values.begin(), values.end()) == std::vector<float>{152, 168, 220, 240, 376, 424, 508, 560});
  }
}

TEST_CASE("default fetch is the outputs of blocks that feed nothing", "[cli]") {
  const auto result = run_cli("run '" + kExamples + "/random_input.json' --threads 2", test::fresh_folder("default"));
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("dw.output: float32 [1,8,8,16]\n[[[["));
  CHECK_THAT(result.out, Catch::Contains("..."));  // 1024 elements: summarized like numpy
}

TEST_CASE("run --json prints a machine-readable result document", "[cli]") {
  const auto result = run_cli("run '" + kExamples + "/seed_depthwise.json' --json", test::fresh_folder("json"));
  REQUIRE(result.exit_code == 0);
  const auto doc = nlohmann::json::parse(result.out);
  CHECK(doc["ok"] == true);
  CHECK(doc["blocks"]["dw"]["status"] == "done");
  CHECK(doc["fetches"]["dw.output"]["shape"] == nlohmann::json::parse("[2,1,1,4]"));
  CHECK(doc["fetches"]["dw.output"]["values"] == nlohmann::json::parse("[152,168,220,240,376,424,508,560]"));
  CHECK(doc["fetches"]["dw.output"]["dtype"] == "float32");
}

TEST_CASE("run --profile prints each block's wall time", "[cli]") {
  const auto result = run_cli("run '" + kExamples + "/seed_depthwise.json' --profile", test::fresh_folder("profile"));
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("profile (wall time per block):"));
  CHECK_THAT(result.err, Catch::Matches("(.|\n)*dw +DepthwiseConv2dNative +[0-9.]+ ms  done(.|\n)*"));
}

TEST_CASE("feeds and fetches round-trip through .npy bit for bit, for every dtype", "[cli]") {
  const auto folder = test::fresh_folder("roundtrip");
  std::mt19937 rng(11);
  const std::pair<const char*, DType> dtypes[] = {{"half", DType::Float16}, {"float", DType::Float32},
                                                   {"double", DType::Float64}, {"int32", DType::Int32},
                                                   {"int64", DType::Int64}, {"uint8", DType::UInt8},
                                                   {"bool", DType::Bool}};
  for (const auto& [name, dtype] : dtypes) {
    Tensor feed(dtype, {2, 3, 5});
    auto* bytes = static_cast<unsigned char*>(feed.raw_data());
    for (std::int64_t i = 0; i < feed.byte_size(); ++i) bytes[i] = static_cast<unsigned char>(dtype == DType::Bool ? rng() & 1 : rng());
    write_npy(folder / "in.npy", feed);
    test::write_text(folder / "page.json", std::string(R"({"format": "blockflow-page", "version": 1, "blocks": [
        {"id": "x", "type": "Placeholder", "values": {"dtype": ")") + name + R"(", "shape": "-1,3,-1"}}]})");
    const auto result = run_cli("run page.json --feed x=in.npy --fetch x.output --out out", folder);
    INFO(name << ": " << result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(test::slurp(folder / "out" / "x.output.npy") == test::slurp(folder / "in.npy"));
  }
}

TEST_CASE("validate prints ok with every output's dtype and shape", "[cli]") {
  const auto result = run_cli("validate '" + kExamples + "/placeholder_feed.json'", test::fresh_folder("validate"));
  REQUIRE(result.exit_code == 0);
  CHECK(result.out ==
        "ok\nimage.output: float32 [?,?,?,3]\nfilters.output: float32 [3,3,3,2]\ndw.output: float32 [?,?,?,6]\n"
        "dw.result_output: float32 [?,?,?,6]\n");
  const auto fed = run_cli("validate '" + kExamples + "/placeholder_feed.json' --feed image='" + kExamples +
                               "/data/image_1x6x6x3.npy'", test::fresh_folder("validate"));
  CHECK_THAT(fed.out, Catch::Contains("dw.output: float32 [1,6,6,6]\n"));
}

TEST_CASE("a block failing at run time exits 1 naming the page and block", "[cli]") {
  // The header is fine (validation passes), the data is cut short (the kernel fails).
  const auto folder = test::fresh_folder("runtime_failure");
  const std::string full = encode_npy(Tensor(DType::Float32, {4, 4}));
  test::write_text(folder / "cut.npy", full.substr(0, full.size() - 8));
  test::write_text(folder / "page.json", R"({"format": "blockflow-page", "version": 1, "blocks": [
      {"id": "c", "type": "Const", "values": {"value": "cut.npy"}},
      {"id": "ok", "type": "Const", "values": {"value": "1,2"}}]})");
  const auto result = run_cli("run page.json", folder);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("blockflow: page.json: /blocks/0: block 'c': port 'value': cut.npy: not a readable .npy file: shape [4,4] needs 64 data bytes, the file has 56"));
  CHECK_THAT(result.out, Catch::Contains("ok.output: float32 [2]\n[1 2]"));
}

TEST_CASE("blocks lists the catalog, and --help and --version work", "[cli]") {
  const auto folder = test::fresh_folder("catalog");
  const auto text = run_cli("blocks", folder);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("DepthwiseConv2dNative\n"));
  CHECK_THAT(text.out, Catch::Contains("  in  padding: enum{SAME|VALID|EXPLICIT} = VALID\n"));
  const auto json = run_cli("blocks --json", folder);
  const auto catalog = nlohmann::json::parse(json.out);
  std::vector<std::string> names;
  for (const auto& block : catalog["blocks"]) names.push_back(block["name"]);
  std::sort(names.begin(), names.end());
  // Every registered block, and the seed blocks among them.
  std::vector<std::string> registered;
  for (const BlockSpec* spec : builtin_registry().all()) registered.push_back(spec->name);
  std::sort(registered.begin(), registered.end());
  CHECK(names == registered);
  for (const char* seed : {"Const", "DepthwiseConv2dNative", "Placeholder", "RandomStandardNormal", "RandomUniform",
                           "TruncatedNormal"})
    CHECK(std::count(names.begin(), names.end(), seed) == 1);
  for (const char* command : {"--help", "run --help", "validate --help", "blocks --help", "format --help"}) {
    const auto help = run_cli(command, folder);
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("Usage"));
  }
  CHECK(run_cli("--version", folder).out == "blockflow 0.1.0\n");
}

TEST_CASE("format rewrites a page canonically and --check reports drift", "[cli]") {
  const auto folder = test::fresh_folder("format");
  test::write_text(folder / "p.json", test::slurp(kExamples + "/seed_depthwise.json"));
  CHECK(run_cli("format --check p.json", folder).exit_code == 1);
  CHECK(run_cli("format p.json", folder).exit_code == 0);
  CHECK(run_cli("format --check p.json", folder).exit_code == 0);
  CHECK(run_cli("run p.json", folder).out == run_cli("run '" + kExamples + "/seed_depthwise.json'", folder).out);
}
