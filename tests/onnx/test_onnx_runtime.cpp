// End to end: each page is exported, run on ONNX Runtime (onnxruntime-node, CPU) and by
// `blockflow run` on the same feeds, and the outputs must agree. scripts/setup.sh installs Node
// and onnxruntime-node, so their absence fails these tests instead of skipping them.
#include <cmath>
#include <filesystem>
#include <random>

#include "src/io/npy.h"
#include "tests/onnx/onnx_test_support.h"
#include "tests/support/cli_runner.h"

using namespace blockflow;
using namespace blockflow::test;

namespace {

const std::filesystem::path kRuntimeDir = BLOCKFLOW_SOURCE_DIR "/tests/onnx";

struct Feed {
  std::string block;
  Dims dims;
  std::string file;  // an existing .npy, or "" for deterministic values of `dims`
};

int run_shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void require_onnxruntime() {
  INFO("Node and onnxruntime-node are needed: run scripts/setup.sh (it runs `npm ci --ignore-scripts` in tests/onnx)");
  REQUIRE(run_shell("command -v node >/dev/null 2>&1") == 0);
  REQUIRE(std::filesystem::exists(kRuntimeDir / "node_modules/onnxruntime-node/package.json"));
}

// Values in [-1, 1) from a fixed seed, so failures reproduce.
std::string write_feed(const std::filesystem::path& folder, const Feed& feed) {
  if (!feed.file.empty()) return feed.file;
  Tensor tensor(DType::Float32, feed.dims);
  std::mt19937 rng(static_cast<unsigned>(feed.dims.size() * 7919 + feed.block.size()));
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (float& value : tensor.values<float>()) value = uniform(rng);
  const auto path = folder / (feed.block + ".npy");
  write_npy(path, tensor);
  return path.string();
}

void check_close(const Tensor& expected, const Tensor& actual, const std::string& name) {
  INFO(name);
  REQUIRE(actual.dtype() == expected.dtype());
  REQUIRE(actual.dims() == expected.dims());
  double worst = 0;
  for (std::int64_t i = 0; i < expected.element_count(); ++i) {
    const double want = expected.element_as_double(i), got = actual.element_as_double(i);
    // float32 kernels summing in different orders: a few ulps of the magnitudes involved.
    const double error = std::fabs(want - got) / (1e-4 + 1e-4 * std::fabs(want));
    worst = std::max(worst, error);
  }
  CHECK(worst <= 1.0);
}

void compare_with_onnxruntime(const std::string& page, const std::vector<Feed>& feeds) {
  require_onnxruntime();
  const auto folder = fresh_folder("onnxruntime_" + std::filesystem::path(page).stem().string());
  std::string blockflow_feeds, ort_feeds;
  for (const auto& feed : feeds) {
    const std::string file = write_feed(folder, feed);
    blockflow_feeds += " --feed '" + feed.block + "=" + file + "'";
    ort_feeds += " '" + feed.block + "=" + file + "'";
  }
  auto result = run_cli("export-onnx '" + page + "' -o model.onnx", folder);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  result = run_cli("run '" + page + "'" + blockflow_feeds + " --out blockflow", folder);
  REQUIRE(result.exit_code == 0);
  const std::string node = "cd '" + folder.string() + "' && node '" + (kRuntimeDir / "run_onnxruntime.mjs").string() +
                           "' model.onnx onnxruntime" + ort_feeds + " >ort.log 2>&1";
  const int node_exit = run_shell(node);
  INFO(slurp(folder / "ort.log"));
  REQUIRE(node_exit == 0);
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder / "blockflow")) {
    const auto name = entry.path().filename();
    REQUIRE(std::filesystem::exists(folder / "onnxruntime" / name));
    check_close(read_npy(entry.path()), read_npy(folder / "onnxruntime" / name), name.string());
    ++compared;
  }
  CHECK(compared > 0);
}

}  // namespace

TEST_CASE("ONNX Runtime agrees with blockflow run: the seed example", "[onnx][onnxruntime]") {
  compare_with_onnxruntime(kExamplePages + "/seed_depthwise.json", {});
}

TEST_CASE("ONNX Runtime agrees with blockflow run: the MobileNet block", "[onnx][onnxruntime]") {
  compare_with_onnxruntime(kExamplePages + "/mobilenet_block.json", {});
}

TEST_CASE("ONNX Runtime agrees with blockflow run: a fed image with unknown dims", "[onnx][onnxruntime]") {
  compare_with_onnxruntime(kExamplePages + "/placeholder_feed.json",
                           {{"image", {}, kExamplePages + "/data/image_1x6x6x3.npy"}});
}

TEST_CASE("ONNX Runtime agrees with blockflow run: depthwise cases", "[onnx][onnxruntime]") {
  const std::pair<const char*, Dims> cases[] = {
      {"depthwise_nchw", {1, 3, 7, 7}},
      {"depthwise_dilations", {2, 9, 9, 2}},
      {"depthwise_dilations_strides_nchw", {2, 2, 8, 9}},
      {"depthwise_explicit", {1, 5, 6, 3}},
      {"depthwise_same_asymmetric", {1, 8, 8, 4}},
      {"depthwise_same_unknown_size", {1, 8, 6, 2}},
      {"depthwise_same_unknown_size", {2, 7, 5, 2}},
  };
  for (const auto& [page, dims] : cases) {
    SECTION(std::string(page) + " " + dims_to_string(dims)) {
      compare_with_onnxruntime(kOnnxPages + "/" + page + ".json", {{"input", dims, ""}});
    }
  }
}

TEST_CASE("ONNX Runtime agrees with blockflow run: the toolkit blocks", "[onnx][onnxruntime]") {
  SECTION("NCHW") { compare_with_onnxruntime(kOnnxPages + "/toolkit_nchw.json", {{"input", {1, 4, 7, 7}, ""}}); }
  SECTION("NHWC") { compare_with_onnxruntime(kOnnxPages + "/toolkit_nhwc.json", {{"input", {3, 6, 6, 3}, ""}}); }
}
