#include <catch2/catch.hpp>

#include "runtime/error.h"
#include "runtime/registry.h"
#include "runtime/value_parser.h"

using namespace blockflow;

namespace {
PortSpec depthwise_attrs_port() {
  PortSpec port;
  port.name = "attrs";
  port.kind = PortKind::Attrs;
  port.attrs = {{"data_format", AttrKind::Enum, {"NHWC", "NCHW"}, "NHWC", ""},
                {"dilations", AttrKind::IntList, {}, "1,1,1,1", ""},
                {"explicit_paddings", AttrKind::IntList, {}, "", ""},
                {"use_cudnn", AttrKind::Bool, {}, "true", ""},
                {"epsilon", AttrKind::Float, {}, "0.001", ""}};
  return port;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const PortError& e) {
    return e.port() + ": " + e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("int lists follow enuSpace conventions", "[values]") {
  CHECK(parse_int_list_text("strides", "1,2,2,1") == IntList{1, 2, 2, 1});
  CHECK(parse_int_list_text("strides", " 1 ; 2;2 ;1 ") == IntList{1, 2, 2, 1});
  CHECK(parse_int_list_text("strides", "{1,2,2,1}") == IntList{1, 2, 2, 1});
  CHECK(parse_int_list_text("strides", "[ -1, 3 ]") == IntList{-1, 3});
  CHECK(parse_int_list_text("strides", "1,2,") == IntList{1, 2});
  CHECK(parse_int_list_text("strides", "") == IntList{});
  CHECK(parse_int_list_text("strides", "\n7\n") == IntList{7});
}

TEST_CASE("int list errors name the port and quote the text", "[values]") {
  CHECK(error_of([] { parse_int_list_text("strides", "1,x,2"); }) ==
        "strides: \"x\" is not an integer in integer list \"1,x,2\"");
  CHECK(error_of([] { parse_int_list_text("strides", "1,,2"); }) ==
        "strides: empty item in integer list \"1,,2\"");
  CHECK(error_of([] { parse_int_list_text("shape", "99999999999999999999"); }).find("is not an integer") !=
        std::string::npos);
}

TEST_CASE("attrs text parses typed values with defaults", "[values]") {
  const PortSpec port = depthwise_attrs_port();
  const Attrs attrs = parse_attrs_text(
      port, "data_format_ = nchw;\n dilations_ = 1,1,2,2; explicit_paddings_ = 0,0,1,1,2,2,0,0; use_cudnn_ = FALSE; epsilon_=1e-5");
  CHECK(attrs.text("data_format") == "NCHW");
  CHECK(attrs.int_list("dilations") == IntList{1, 1, 2, 2});
  CHECK(attrs.int_list("explicit_paddings") == IntList{0, 0, 1, 1, 2, 2, 0, 0});
  CHECK(attrs.boolean("use_cudnn") == false);
  CHECK(attrs.real("epsilon") == Approx(1e-5).epsilon(0));

  const Attrs defaults = parse_attrs_text(port, "");
  CHECK(defaults.text("data_format") == "NHWC");
  CHECK(defaults.int_list("dilations") == IntList{1, 1, 1, 1});
  CHECK(defaults.int_list("explicit_paddings").empty());
  CHECK(defaults.boolean("use_cudnn") == true);
  CHECK(defaults.real("epsilon") == Approx(0.001));

  CHECK(parse_attrs_text(port, "use_cudnn_ = 1").boolean("use_cudnn"));
  CHECK(parse_attrs_text(port, "use_cudnn = TRUE;").boolean("use_cudnn"));
}

TEST_CASE("registering a block parses its port defaults once, with the same result as parsing on use", "[values]") {
  PortSpec padding;
  padding.name = "padding";
  padding.kind = PortKind::Enum;
  padding.choices = {"SAME", "VALID"};
  padding.default_text = "same";
  PortSpec broken = padding;
  broken.name = "broken";
  broken.default_text = "DIAGONAL";
  BlockSpec spec;
  spec.name = "Defaults";
  spec.ports = {depthwise_attrs_port(), padding, broken};
  BlockRegistry registry;
  registry.add(spec);
  const BlockSpec& registered = *registry.find("Defaults");

  const PortSpec& attrs = *registered.find_port("attrs");
  REQUIRE(attrs.parsed_default);
  CHECK(std::get<Attrs>(*attrs.parsed_default) == parse_attrs_text(depthwise_attrs_port(), ""));
  // A page's attrs text starts from the parsed defaults and keeps the ones it does not name.
  const Attrs edited = parse_attrs_text(attrs, "dilations_ = 1,2,2,1");
  CHECK(edited.int_list("dilations") == IntList{1, 2, 2, 1});
  CHECK(edited.text("data_format") == "NHWC");
  CHECK(edited.real("epsilon") == Approx(0.001));

  const PortSpec& padding_port = *registered.find_port("padding");
  REQUIRE(padding_port.parsed_default);
  CHECK(std::get<std::string>(default_port_value(padding_port)) == "SAME");
  // A default that does not parse stays text, and reports its error where it is used.
  const PortSpec& broken_port = *registered.find_port("broken");
  CHECK_FALSE(broken_port.parsed_default);
  CHECK(error_of([&] { default_port_value(broken_port); }).find("DIAGONAL") != std::string::npos);
}

TEST_CASE("attrs errors name the attr and quote the text", "[values]") {
  const PortSpec port = depthwise_attrs_port();
  CHECK(error_of([&] { parse_attrs_text(port, "data_format_ = NHCW;"); }) ==
        "attrs: Value for attr 'data_format' of \"NHCW\" is not in the list of allowed values: \"NHWC\", \"NCHW\"");
  CHECK(error_of([&] { parse_attrs_text(port, "dilation_ = 1,2,2,1;"); }) ==
        "attrs: unknown attr \"dilation_\" (known: data_format_, dilations_, explicit_paddings_, use_cudnn_, epsilon_)");
  CHECK(error_of([&] { parse_attrs_text(port, "data_format_ NHWC"); }) ==
        "attrs: expected name_ = value, got \"data_format_ NHWC\"");
  CHECK(error_of([&] { parse_attrs_text(port, "use_cudnn_ = maybe"); }) ==
        "attrs: attr 'use_cudnn_' expects true or false, got \"maybe\"");
  CHECK(error_of([&] { parse_attrs_text(port, "epsilon_ = small"); }) ==
        "attrs: attr 'epsilon_' expects a number, got \"small\"");
}

TEST_CASE("values are also accepted as JSON", "[values]") {
  const PortSpec attrs_port = depthwise_attrs_port();
  const auto attrs = std::get<Attrs>(parse_port_value(
      attrs_port, nlohmann::json::parse(R"({"data_format": "NCHW", "dilations_": [1,1,3,3], "use_cudnn": false, "epsilon": 0.5})")));
  CHECK(attrs.text("data_format") == "NCHW");
  CHECK(attrs.int_list("dilations") == IntList{1, 1, 3, 3});
  CHECK_FALSE(attrs.boolean("use_cudnn"));
  CHECK(attrs.real("epsilon") == 0.5);

  PortSpec strides;
  strides.name = "strides";
  strides.kind = PortKind::IntList;
  CHECK(std::get<IntList>(parse_port_value(strides, nlohmann::json::parse("[1,2,2,1]"))) == IntList{1, 2, 2, 1});
  CHECK(std::get<IntList>(parse_port_value(strides, nlohmann::json(3))) == IntList{3});
  CHECK(error_of([&] { parse_port_value(strides, nlohmann::json::parse("[1.5]")); }) ==
        "strides: expects a list of integers, got \"[1.5]\"");

  PortSpec padding;
  padding.name = "padding";
  padding.kind = PortKind::Enum;
  padding.choices = {"SAME", "VALID", "EXPLICIT"};
  CHECK(std::get<std::string>(parse_port_value(padding, nlohmann::json("same"))) == "SAME");
  CHECK(error_of([&] { parse_port_value(padding, nlohmann::json("FULL")); }) ==
        "padding: Value for attr 'padding' of \"FULL\" is not in the list of allowed values: \"SAME\", \"VALID\", \"EXPLICIT\"");

  PortSpec dtype;
  dtype.name = "dtype";
  dtype.kind = PortKind::DTypeName;
  CHECK(std::get<DType>(parse_port_value(dtype, nlohmann::json("DT_HALF"))) == DType::Float16);
  CHECK(error_of([&] { parse_port_value(dtype, nlohmann::json("complex64")); }).rfind("dtype: unknown dtype \"complex64\"", 0) == 0);

  PortSpec tensor;
  tensor.name = "input";
  CHECK(error_of([&] { parse_port_value(tensor, nlohmann::json("1,2")); }) ==
        "input: is a tensor port: link a block's output to it instead of typing \"\"1,2\"\"");
}
