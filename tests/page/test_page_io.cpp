#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "blocks/builtin_blocks.h"
#include "runtime/executor.h"
#include "src/io/atomic_file.h"
#include "src/page/page.h"

using namespace blockflow;

namespace {

const std::string kSource = BLOCKFLOW_SOURCE_DIR;

std::string problems_of(const std::string& text) {
  const auto result = parse_page(text, ".");
  std::string joined;
  for (const auto& p : result.problems) joined += p.to_string("p.json") + "\n";
  return joined;
}

std::filesystem::path scratch(const std::string& name) {
  auto folder = std::filesystem::temp_directory_path() / ("blockflow_page_test_" + name);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

}  // namespace

TEST_CASE("the seed document's exact page loads and runs unchanged", "[page]") {
  const auto loaded = load_page_file(kSource + "/examples/seed_depthwise.json");
  REQUIRE(loaded.ok());
  CHECK(loaded.page->name == "DepthwiseConv2dNative using method");
  CHECK(loaded.page->graph.blocks.size() == 3);
  const auto compiled = compile_graph(loaded.page->graph, builtin_registry());
  REQUIRE(compiled.ok());
  Executor executor(2);
  const auto result = executor.run(*compiled.graph, {});
  REQUIRE(result.ok());
  const auto values = result.fetched_tensor({"dw", "output"})->values<float>();
  CHECK(std::vector<float>(values.begin(), values.end()) == std::vector<float>{152, 168, 220, 240, 376, 424, 508, 560});
}

TEST_CASE("malformed JSON is reported with line and column", "[page]") {
  CHECK(problems_of("{\n  \"format\": \"blockflow-page\",\n  \"version\": 1,,\n}") ==
        "p.json:3:16: malformed JSON: syntax error while parsing object key - unexpected ','; expected string literal\n");
  CHECK_THAT(problems_of("{\"name\": \"caf\xc3\x28\"}"), Catch::StartsWith("p.json:1:"));
  CHECK_THAT(problems_of(""), Catch::StartsWith("p.json:1:1: malformed JSON"));
  // Found by fuzz_page_load: a number too large for a double threw out of the loader.
  CHECK(problems_of("[1e99999]") == "p.json: malformed JSON: number overflow parsing '1e99999'\n");
  CHECK(problems_of(R"({"format": "blockflow-page", "version": 11111e99299999})") ==
        "p.json: malformed JSON: number overflow parsing '11111e99299999'\n");
}

TEST_CASE("structural problems are all reported with JSON pointers", "[page]") {
  CHECK(problems_of(R"({"format": "blockflow-page", "version": 2, "blocks": []})") ==
        "p.json: /version: this page has format version 2, newer than this Blockflow reads (1); open it with a newer Blockflow\n");
  CHECK(problems_of(R"([1,2])") == "p.json: a page must be a JSON object, not an array\n");
  CHECK(problems_of(R"({"format": "blockflow-page", "version": 1, "blocks": [
      {"id": "a", "type": "Const", "values": {"value": "1"}, "colour": "red"},
      {"id": "a", "type": "Const"},
      {"type": "Const"},
      {"id": "bad id", "type": "Const"},
      {"id": "b", "type": 3},
      {"id": "c", "type": "Const", "values": [1]},
      7],
    "links": [{"from": "a.output"}, {"from": "a", "to": "b.input"}, "x"],
    "extra": true})") ==
        "p.json: /extra: unknown key (a page has format, version, name, blocks, links, layout)\n"
        "p.json: /blocks/0/colour: unknown key (a block has id, type, values)\n"
        "p.json: /blocks/1/id: duplicate block id \"a\"\n"
        "p.json: /blocks/2/id: missing\n"
        "p.json: /blocks/3/id: \"bad id\" is not a valid id: use letters, digits, _ and -\n"
        "p.json: /blocks/4/type: must be a string, not a number\n"
        "p.json: /blocks/5/values: must be an object of port values, not an array\n"
        "p.json: /blocks/6: a block must be an object, not a number\n"
        "p.json: /links/0/to: missing\n"
        "p.json: /links/1/from: \"a\" is not BLOCK.PORT\n"
        "p.json: /links/2: a link must be an object like {\"from\": \"a.output\", \"to\": \"b.input\"}, not a string\n");
}

TEST_CASE("graph diagnostics point into the page", "[page]") {
  const Page seed = *load_page_file(kSource + "/examples/seed_depthwise.json").page;
  auto located = [](const Page& page) {
    std::vector<std::string> lines;
    for (const auto& d : compile_graph(page.graph, builtin_registry()).diagnostics)
      lines.push_back(page_problem_for(page, d).to_string("seed.json"));
    return lines;
  };
  Page bad_value = seed;
  bad_value.graph.blocks[2].values["strides"] = "1,2,2";
  CHECK(located(bad_value) == std::vector<std::string>{
                                  "seed.json: /blocks/2/values/strides: block 'dw' port 'strides': Sliding window "
                                  "strides field must specify 4 dimensions"});
  Page bad_link = seed;
  bad_link.graph.links[1].to.port = "filtre";
  CHECK(located(bad_link) == std::vector<std::string>{
                                 "seed.json: /links/1/to: block 'dw' port 'filtre': link goes to an unknown port (block "
                                 "type 'DepthwiseConv2dNative' has input, filter, strides, padding, attrs, output, "
                                 "result_output)",
                                 "seed.json: /blocks/2: block 'dw' port 'filter': required input is not linked"});
  Page bad_depth = seed;
  bad_depth.graph.blocks[1].values["shape"] = "2,2,1,4";
  CHECK(located(bad_depth) == std::vector<std::string>{
                                  "seed.json: /links/1/to: block 'dw' port 'filter': input and filter must have the "
                                  "same depth: 2 vs 1"});
}

TEST_CASE("saving is deterministic and load, save, load is lossless", "[page]") {
  for (const char* example : {"seed_depthwise.json", "placeholder_feed.json", "random_input.json"}) {
    const auto first = load_page_file(kSource + "/examples/" + example);
    REQUIRE(first.ok());
    const std::string text = serialize_page(*first.page, &builtin_registry());
    CHECK(text.back() == '\n');
    CHECK(text.find("\n  \"blocks\": [\n    {\n      \"id\"") != std::string::npos);  // 2-space indent
    const auto second = parse_page(text, first.page->graph.base_dir);
    REQUIRE(second.ok());
    CHECK(serialize_page(*second.page, &builtin_registry()) == text);
    CHECK(second.page->graph.blocks.size() == first.page->graph.blocks.size());
    for (std::size_t i = 0; i < first.page->graph.blocks.size(); ++i)
      CHECK(second.page->graph.blocks[i].values == first.page->graph.blocks[i].values);
  }
}

TEST_CASE("values are written in port order whatever order they were typed in", "[page]") {
  const auto loaded = parse_page(R"({"format": "blockflow-page", "version": 1, "name": "n", "blocks": [
      {"id": "dw", "type": "DepthwiseConv2dNative", "values": {"attrs": "data_format_ = NCHW;", "padding": "SAME", "strides": [1,1,2,2]}}]})", ".");
  const std::string text = serialize_page(*loaded.page, &builtin_registry());
  CHECK(text.find("\"strides\"") < text.find("\"padding\""));
  CHECK(text.find("\"padding\"") < text.find("\"attrs\""));
}

TEST_CASE("an unknown block type survives load and save unchanged", "[page]") {
  const std::string original = R"({
  "format": "blockflow-page",
  "version": 1,
  "name": "future blocks",
  "blocks": [
    {
      "id": "mystery",
      "type": "FancyFutureBlock",
      "values": {
        "zeta": "last typed first",
        "alpha": [1, 2, {"nested": true}],
        "gamma": 0.1
      }
    },
    {
      "id": "f",
      "type": "Const",
      "values": {
        "shape": "1,1,1,1",
        "value": "1"
      }
    },
    {
      "id": "dw",
      "type": "DepthwiseConv2dNative",
      "values": {}
    }
  ],
  "links": [
    {
      "from": "mystery.out",
      "to": "dw.input"
    },
    {
      "from": "f.output",
      "to": "dw.filter"
    }
  ],
  "layout": {
    "blocks": {
      "mystery": {"x": 10, "y": -20.5}
    },
    "view": {"zoom": 1.25}
  }
})";
  const auto loaded = parse_page(original, ".");
  REQUIRE(loaded.ok());  // loads; the unknown type is a validation problem, not a load failure
  const auto compiled = compile_graph(loaded.page->graph, builtin_registry());
  REQUIRE(compiled.diagnostics.size() == 1);
  CHECK(compiled.diagnostics[0].to_string() == "block 'mystery': unknown block type 'FancyFutureBlock'");
  const std::string saved = serialize_page(*loaded.page, &builtin_registry());
  CHECK(nlohmann::ordered_json::parse(saved) == nlohmann::ordered_json::parse(original));
  CHECK(saved.find("\"zeta\"") < saved.find("\"alpha\""));  // the user's order, as loaded
}

TEST_CASE("a save that fails between write and rename leaves the original intact", "[page]") {
  const auto folder = scratch("atomic");
  const auto path = folder / "page.json";
  const auto loaded = load_page_file(kSource + "/examples/seed_depthwise.json");
  save_page_file(path, *loaded.page, &builtin_registry());
  const std::string before = read_file(path);

  Page edited = *loaded.page;
  edited.name = "edited";
  set_before_rename_hook([](const std::filesystem::path&) { throw Error("simulated crash before rename"); });
  CHECK_THROWS_WITH(save_page_file(path, edited, &builtin_registry()), "simulated crash before rename");
  set_before_rename_hook(nullptr);
  CHECK(read_file(path) == before);
  // No temporary file is left behind; only the page and its backup remain.
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"page.json", "page.json.bak"});

  save_page_file(path, edited, &builtin_registry());
  CHECK(load_page_file(path).page->name == "edited");
  // The previous version is kept next to the file.
  CHECK(read_file(backup_path(path)) == before);

  CHECK_THROWS_WITH(save_page_file(folder / "missing_dir" / "p.json", edited),
                    Catch::StartsWith("cannot save " + (folder / "missing_dir" / "p.json").string()));
  std::filesystem::remove_all(folder);
}

TEST_CASE("missing and unreadable page files are reported, not thrown", "[page]") {
  auto result = load_page_file("/nonexistent/page.json");
  REQUIRE(result.problems.size() == 1);
  CHECK(result.problems[0].to_string("/nonexistent/page.json") == "/nonexistent/page.json: no such file");
  result = load_page_file(kSource + "/examples");
  CHECK(result.problems[0].message == "is a folder, not a page file");
}

TEST_CASE("Const values may come from a .npy file relative to the page", "[page]") {
  const auto folder = scratch("const_npy");
  std::filesystem::create_directories(folder / "data");
  std::filesystem::copy_file(kSource + "/examples/data/image_1x6x6x3.npy", folder / "data" / "image.npy");
  std::ofstream(folder / "page.json") << R"({"format": "blockflow-page", "version": 1, "blocks": [
      {"id": "c", "type": "Const", "values": {"value": "data/image.npy"}},
      {"id": "r", "type": "Const", "values": {"value": "data/image.npy", "shape": "6,18"}},
      {"id": "bad", "type": "Const", "values": {"value": "data/image.npy", "dtype": "double"}}]})";
  const auto loaded = load_page_file(folder / "page.json");
  REQUIRE(loaded.ok());
  const auto compiled = compile_graph(loaded.page->graph, builtin_registry());
  REQUIRE(compiled.diagnostics.size() == 1);
  CHECK(compiled.diagnostics[0].to_string() == "block 'bad' port 'dtype': is float64, but data/image.npy holds float32");
  CHECK(compiled.graph->output_info({"c", "output"})->to_string() == "float32 [1,6,6,3]");
  CHECK(compiled.graph->output_info({"r", "output"})->to_string() == "float32 [6,18]");
  std::filesystem::remove_all(folder);
}
