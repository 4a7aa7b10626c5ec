// A table of broken pages and feeds: each exits 2 with a message naming the place at fault.
#include <catch2/catch.hpp>

#include "src/io/npy.h"
#include "tests/support/cli_runner.h"

using namespace blockflow;

namespace {

struct BrokenCase {
  const char* name;
  std::string page;     // written to page.json
  std::string args;     // after "run page.json" (or the whole command when it starts with '!')
  std::string expected; // must appear in stderr
};

const std::string kHead = R"({"format": "blockflow-page", "version": 1, "name": "t", )";
const std::string kConsts = R"(
  {"id": "x", "type": "Const", "values": {"shape": "1,4,4,2", "value": "1"}},
  {"id": "f", "type": "Const", "values": {"shape": "2,2,2,1", "value": "1"}})";
const std::string kLinks = R"("links": [{"from": "x.output", "to": "dw.input"}, {"from": "f.output", "to": "dw.filter"}])";

std::string with_dw(const std::string& dw_values) {
  return kHead + R"("blocks": [)" + kConsts + R"(,
  {"id": "dw", "type": "DepthwiseConv2dNative", "values": )" + dw_values + "}], " + kLinks + "}";
}

const std::string kPlaceholderPage = kHead + R"("blocks": [
  {"id": "img", "type": "Placeholder", "values": {"dtype": "float", "shape": "1,-1,-1,2"}},
  {"id": "f", "type": "Const", "values": {"shape": "2,2,2,1", "value": "1"}},
  {"id": "dw", "type": "DepthwiseConv2dNative", "values": {"padding": "SAME"}}],
  "links": [{"from": "img.output", "to": "dw.input"}, {"from": "f.output", "to": "dw.filter"}]})";

std::vector<BrokenCase> broken_cases() {
  return {
      {"malformed JSON", "{\n  \"format\": \"blockflow-page\",\n  \"version\": 1\n  \"blocks\": []\n}", "",
       "page.json:4:10: malformed JSON: syntax error while parsing object - unexpected string literal; expected '}'"},
      {"truncated JSON", kHead + R"("blocks": [)", "", "page.json:1:"},
      {"invalid UTF-8", kHead + "\"blocks\": [], \"x\": \"\xff\"}", "", "malformed JSON"},
      {"not an object", "[]", "", "page.json: a page must be a JSON object, not an array"},
      {"missing format", R"({"version": 1, "blocks": []})", "", "page.json: /format: missing"},
      {"wrong format", R"({"format": "enuspace", "version": 1, "blocks": []})", "", "page.json: /format: is \"enuspace\""},
      {"newer version", R"({"format": "blockflow-page", "version": 7, "blocks": []})", "",
       "page.json: /version: this page has format version 7, newer than this Blockflow reads (1)"},
      {"version as text", R"({"format": "blockflow-page", "version": "1", "blocks": []})", "",
       "page.json: /version: must be an integer"},
      {"blocks not an array", kHead + R"("blocks": {}})", "", "page.json: /blocks: must be an array, not an object"},
      {"block not an object", kHead + R"("blocks": ["dw"]})", "", "page.json: /blocks/0: a block must be an object"},
      {"block without id", kHead + R"("blocks": [{"type": "Const"}]})", "", "page.json: /blocks/0/id: missing"},
      {"duplicate ids", kHead + R"("blocks": [{"id": "a", "type": "Const", "values": {"value": "1"}}, {"id": "a", "type": "Const", "values": {"value": "2"}}]})",
       "", "page.json: /blocks/1/id: duplicate block id \"a\""},
      {"bad id", kHead + R"("blocks": [{"id": "a.b", "type": "Const"}]})", "", "page.json: /blocks/0/id: \"a.b\" is not a valid id"},
      {"values not an object", kHead + R"("blocks": [{"id": "a", "type": "Const", "values": "1,2"}]})", "",
       "page.json: /blocks/0/values: must be an object of port values, not a string"},
      {"link not BLOCK.PORT", with_dw("{}").replace(with_dw("{}").find("\"f.output\""), 10, "\"f\""), "",
       "page.json: /links/1/from: \"f\" is not BLOCK.PORT"},
      {"dangling link", with_dw("{}").replace(with_dw("{}").find("\"f.output\""), 10, "\"g.output\""), "",
       "page.json: /links/1/from: block 'g' port 'output': link comes from a block that does not exist"},
      {"unknown input port", with_dw("{}").replace(with_dw("{}").find("\"dw.filter\""), 11, "\"dw.filtre\""), "",
       "page.json: /links/1/to: block 'dw' port 'filtre': link goes to an unknown port"},
      {"unknown value port", with_dw(R"({"stride": "1,1,1,1"})"), "",
       "page.json: /blocks/2/values/stride: block 'dw' port 'stride': unknown port"},
      {"unknown block type", kHead + R"("blocks": [{"id": "m", "type": "Conv9D"}]})", "",
       "page.json: /blocks/0: block 'm': unknown block type 'Conv9D'"},
      {"bad strides text", with_dw(R"({"strides": "1,two,2,1"})"), "",
       "page.json: /blocks/2/values/strides: block 'dw' port 'strides': \"two\" is not an integer in integer list \"1,two,2,1\""},
      {"strides of 3", with_dw(R"({"strides": [1,2,1]})"), "",
       "page.json: /blocks/2/values/strides: block 'dw' port 'strides': Sliding window strides field must specify 4 dimensions"},
      {"unknown padding", with_dw(R"({"padding": "FULL"})"), "",
       "page.json: /blocks/2/values/padding: block 'dw' port 'padding': Value for attr 'padding' of \"FULL\""},
      {"unknown attr", with_dw(R"({"attrs": "data_format_ = NHWC; dilation_ = 2;"})"), "",
       "page.json: /blocks/2/values/attrs: block 'dw' port 'attrs': unknown attr \"dilation_\""},
      {"bad data_format", with_dw(R"({"attrs": {"data_format": "HWCN"}})"), "",
       "page.json: /blocks/2/values/attrs: block 'dw' port 'attrs': Value for attr 'data_format' of \"HWCN\""},
      {"depth mismatch", with_dw("{}").replace(with_dw("{}").find("2,2,2,1"), 7, "2,2,3,1"), "",
       "page.json: /links/1/to: block 'dw' port 'filter': input and filter must have the same depth: 2 vs 3"},
      {"dtype mismatch", with_dw("{}").replace(with_dw("{}").find("\"shape\": \"2,2,2,1\""), 18, "\"dtype\": \"int32\", \"shape\": \"2,2,2,1\""), "",
       "page.json: /links/1/to: block 'dw' port 'filter': dtype mismatch"},
      {"tensor into an enum port", with_dw("{}").replace(with_dw("{}").find("\"dw.filter\""), 11, "\"dw.padding\""), "",
       "page.json: /links/1/to: block 'dw' port 'padding': type mismatch: the port takes enum{SAME|VALID|EXPLICIT}, but f.output gives a tensor"},
      {"input linked twice", with_dw("{}").replace(with_dw("{}").find("\"dw.filter\""), 11, "\"dw.input\""), "",
       "page.json: /links/0/to: block 'dw' port 'input': is linked twice: from x.output and from f.output"},
      {"required input missing", kHead + R"("blocks": [)" + kConsts + R"(, {"id": "dw", "type": "DepthwiseConv2dNative"}], "links": [{"from": "x.output", "to": "dw.input"}]})",
       "", "page.json: /blocks/2: block 'dw' port 'filter': required input is not linked"},
      {"cycle", kHead + R"("blocks": [{"id": "f", "type": "Const", "values": {"shape": "1,1,1,1", "value": "1"}},
          {"id": "a", "type": "DepthwiseConv2dNative"}, {"id": "b", "type": "DepthwiseConv2dNative"}],
          "links": [{"from": "a.output", "to": "b.input"}, {"from": "b.output", "to": "a.input"},
                    {"from": "f.output", "to": "a.filter"}, {"from": "f.output", "to": "b.filter"}]})",
       "", "page.json: /blocks/1: block 'a': links form a cycle: a -> b -> a"},
      {"negative output size", with_dw(R"({"padding": "VALID"})").replace(with_dw(R"({"padding": "VALID"})").find("2,2,2,1"), 7, "6,6,2,1"), "",
       "block 'dw' port 'input': Computed output size would be negative: -1 [input_size: 4, effective_filter_size: 6, stride: 1]"},
      {"huge shape", kHead + R"("blocks": [{"id": "big", "type": "RandomUniform", "values": {"shape": "1000000,1000000,1000"}}]})", "",
       "page.json: /blocks/0: block 'big' port 'output': a float32 tensor of shape [1000000,1000000,1000] needs 3.6 PiB, over the limit of 4.0 GiB per tensor"},
      {"overflowing Const", kHead + R"("blocks": [{"id": "c", "type": "Const", "values": {"shape": "99999999999,99999999999", "value": "0"}}]})", "",
       "page.json: /blocks/0/values/value: block 'c' port 'value': shape [99999999999,99999999999] has more elements than fit in int64"},
      {"huge Const", kHead + R"("blocks": [{"id": "c", "type": "Const", "values": {"shape": "100000,100000,1000", "dtype": "double", "value": "0"}}]})", "",
       "page.json: /blocks/0/values/value: block 'c' port 'value': a float64 tensor of shape [100000,100000,1000] needs 72.8 TiB, over the limit of 4.0 GiB per tensor"},
      {"Const value count", kHead + R"("blocks": [{"id": "c", "type": "Const", "values": {"shape": "2,2", "value": "1,2,3"}}]})", "",
       "page.json: /blocks/0/values/value: block 'c' port 'value': value has 3 elements, but shape [2,2] needs 4"},
      {"Const unknown dtype", kHead + R"("blocks": [{"id": "c", "type": "Const", "values": {"dtype": "quaternion", "value": "1"}}]})", "",
       "page.json: /blocks/0/values/dtype: block 'c' port 'dtype': unknown dtype \"quaternion\""},
      {"Const file missing", kHead + R"("blocks": [{"id": "c", "type": "Const", "values": {"value": "weights/missing.npy"}}]})", "",
       "page.json: /blocks/0/values/value: block 'c' port 'value': cannot open weights/missing.npy"},
      {"missing page file", "", "!run nothere.json", "blockflow: nothere.json: no such file"},
      {"feed of the wrong dtype", kPlaceholderPage, "--feed img=double.npy",
       "page.json: /blocks/0: block 'img': the feed is float64 [1,4,4,2], but the Placeholder takes float32 [1,?,?,2]"},
      {"feed of the wrong rank", kPlaceholderPage, "--feed img=rank3.npy",
       "page.json: /blocks/0: block 'img': the feed is float32 [4,4,2], but the Placeholder takes float32 [1,?,?,2]"},
      {"feed file missing", kPlaceholderPage, "--feed img=absent.npy", "page.json: --feed img: cannot open absent.npy"},
      {"feed file not npy", kPlaceholderPage, "--feed img=page.json",
       "page.json: --feed img: page.json: not a readable .npy file: missing the \\x93NUMPY magic"},
      {"feed names no placeholder", kPlaceholderPage, "--feed f=float.npy",
       "page.json: /blocks/1: block 'f': a feed names block 'f', which is a Const, not a Placeholder"},
      {"feed names no block", kPlaceholderPage, "--feed ghost=float.npy",
       "block 'ghost': a feed names block 'ghost', which is not on the page"},
      {"feed without file", kPlaceholderPage, "--feed img", "page.json: --feed \"img\": expected BLOCK=FILE.npy"},
      {"feed missing", kPlaceholderPage, "", "page.json: block 'img' (Placeholder) needs a feed, and none was given"},
      {"unknown fetch port", with_dw("{}"), "--fetch dw.bias",
       "page.json: --fetch dw.bias: block 'dw' (DepthwiseConv2dNative) has no output port 'bias'"},
      {"fetch of an input", with_dw("{}"), "--fetch dw.input",
       "page.json: --fetch dw.input: block 'dw' (DepthwiseConv2dNative) has no output port 'input'"},
      {"fetch without port", with_dw("{}"), "--fetch dw", "page.json: --fetch \"dw\": expected BLOCK.PORT"},
      {"threads out of range", with_dw("{}"), "--threads 0", "--threads"},
      {"unknown option", with_dw("{}"), "--fast", "--fast"},
  };
}

}  // namespace

TEST_CASE("broken pages and feeds exit 2 with a message naming the location", "[cli][broken]") {
  const auto folder = test::fresh_folder("broken");
  write_npy(folder / "double.npy", Tensor(DType::Float64, {1, 4, 4, 2}));
  write_npy(folder / "rank3.npy", Tensor(DType::Float32, {4, 4, 2}));
  write_npy(folder / "float.npy", Tensor(DType::Float32, {1, 4, 4, 2}));
  const auto cases = broken_cases();
  CHECK(cases.size() >= 30);
  for (const auto& c : cases) {
    SECTION(c.name) {
      test::write_text(folder / "page.json", c.page);
      const std::string command = !c.args.empty() && c.args[0] == '!' ? c.args.substr(1) : "run page.json " + c.args;
      const auto result = test::run_cli(command, folder);
      INFO("stderr: " << result.err);
      CHECK(result.exit_code == 2);
      CHECK_THAT(result.err, Catch::Contains(c.expected));
      CHECK(result.out.empty());
      if (c.args.empty() || c.args[0] != '!') {
        // validate agrees with run about every page problem
        if (c.args.find("--fetch") == std::string::npos && c.args.find("--threads") == std::string::npos &&
            c.args.find("--fast") == std::string::npos && c.name != std::string("feed missing")) {
          const auto validated = test::run_cli("validate page.json " + c.args, folder);
          CHECK(validated.exit_code == 2);
          CHECK_THAT(validated.err, Catch::Contains(c.expected));
        }
      }
    }
  }
}
