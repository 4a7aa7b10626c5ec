// Limits and file safety through the CLI: each refusal exits 2 (or 1 for a run-time limit) and
// names the page, block, port and limit.
#include <catch2/catch.hpp>

#include "src/io/npy.h"
#include "tests/support/cli_runner.h"

using namespace blockflow;

namespace {

std::string const_page(const std::string& value) {
  return R"({"format": "blockflow-page", "version": 1, "blocks": [{"id": "c", "type": "Const", "values": {"value": ")" + value + R"("}}]})";
}

}  // namespace

TEST_CASE("pages read files only under their own folder unless allowed", "[cli][limits]") {
  const auto root = test::fresh_folder("sandbox");
  std::filesystem::create_directories(root / "page" / "data");
  write_npy(root / "outside.npy", Tensor(DType::Float32, {2}));
  write_npy(root / "page" / "data" / "inside.npy", Tensor(DType::Float32, {3}));
  std::filesystem::create_symlink(root / "outside.npy", root / "page" / "data" / "link.npy");

  test::write_text(root / "page" / "ok.json", const_page("data/inside.npy"));
  CHECK(test::run_cli("run ok.json", root / "page").exit_code == 0);

  test::write_text(root / "page" / "up.json", const_page("../outside.npy"));
  auto result = test::run_cli("run up.json", root / "page");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("up.json: /blocks/0/values/value: block 'c' port 'value': path ../outside.npy leads outside the page's folder; pass --allow-outside-files to allow it"));

  test::write_text(root / "page" / "abs.json", const_page((root / "outside.npy").string()));
  result = test::run_cli("run abs.json", root / "page");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("absolute path " + (root / "outside.npy").string() + " is refused"));

  test::write_text(root / "page" / "link.json", const_page("data/link.npy"));
  result = test::run_cli("run link.json", root / "page");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("path data/link.npy leads outside the page's folder"));

  // Run from elsewhere: the page's folder is what counts, not the working directory.
  CHECK(test::run_cli("run page/ok.json", root).exit_code == 0);
  CHECK(test::run_cli("run page/up.json", root).exit_code == 2);

  for (const char* page : {"up.json", "abs.json", "link.json"}) {
    result = test::run_cli(std::string("run ") + page + " --allow-outside-files", root / "page");
    INFO(page << ": " << result.err);
    CHECK(result.exit_code == 0);
  }
}

TEST_CASE("size and rank limits have flags and name the block", "[cli][limits]") {
  const auto folder = test::fresh_folder("limits");
  test::write_text(folder / "p.json", R"({"format": "blockflow-page", "version": 1, "blocks": [
      {"id": "r", "type": "RandomUniform", "values": {"shape": "1,16,16,8", "seed": 1, "seed2": 1}},
      {"id": "f", "type": "Const", "values": {"shape": "3,3,8,1", "value": "1"}},
      {"id": "dw", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}}],
    "links": [{"from": "r.output", "to": "dw.input"}, {"from": "f.output", "to": "dw.filter"}]})");
  CHECK(test::run_cli("run p.json", folder).exit_code == 0);

  auto result = test::run_cli("run p.json --max-tensor-bytes 4KiB", folder);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("p.json: /links/0/from: block 'r' port 'output': a float32 tensor of shape [1,16,16,8] needs 8.0 KiB, over the limit of 4.0 KiB per tensor"));

  result = test::run_cli("run p.json --max-rank 3", folder);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("p.json: /blocks/0/values/shape: block 'r' port 'shape': rank 4 exceeds the maximum rank 3"));

  // 8 KiB input + 288 B filter fit in 12 KiB; the 8 KiB output does not.
  result = test::run_cli("run p.json --max-run-bytes 12KiB --threads 1", folder);
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Catch::Contains("p.json: /blocks/2: block 'dw': the run would hold 16.3 KiB of tensors, over the limit of 12.0 KiB per run"));

  result = test::run_cli("run p.json --max-tensor-bytes lots", folder);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--max-tensor-bytes"));
}

TEST_CASE("a page asking for a 10^15-element tensor is refused before anything runs", "[cli][limits]") {
  const auto folder = test::fresh_folder("huge");
  test::write_text(folder / "p.json", R"({"format": "blockflow-page", "version": 1, "blocks": [
      {"id": "big", "type": "RandomUniform", "values": {"shape": "100000,100000,100000"}}]})");
  const auto result = test::run_cli("run p.json", folder);
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("block 'big' port 'output': a float32 tensor of shape [100000,100000,100000] needs 3.6 PiB"));
}
