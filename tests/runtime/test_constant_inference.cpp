// Inference sees the values of small Consts: a Const publishes its tensor (InferContext::
// set_constant) and the consumer's InferContext::constant() returns it, so a block whose output
// shape depends on a tensor's values can infer it before anything runs.
#include <catch2/catch.hpp>

#include "tests/support/graph_text.h"

using namespace blockflow;

TEST_CASE("small Consts publish their values to inference, but big ones and random blocks do not",
          "[runtime][infer][constants]") {
  const auto result = test::compile_text(R"({"blocks": [
    {"id": "small", "type": "Const", "values": {"dtype": "int32", "shape": "4", "value": "1,8,8,3"}},
    {"id": "big", "type": "Const", "values": {"dtype": "float", "shape": "100", "value": "1"}},
    {"id": "random", "type": "RandomUniform", "values": {"shape": "4", "seed": "1", "seed2": "2"}}]})");
  REQUIRE(result.ok());
  const auto& small = result.graph->find("small")->constants;
  REQUIRE(small.count("output") == 1);
  CHECK(small.at("output").dtype() == DType::Int32);
  CHECK(std::vector<std::int32_t>(small.at("output").values<std::int32_t>().begin(),
                                  small.at("output").values<std::int32_t>().end()) ==
        std::vector<std::int32_t>{1, 8, 8, 3});
  CHECK(result.graph->find("big")->constants.empty());
  CHECK(result.graph->find("random")->constants.empty());
}

TEST_CASE("a consumer sees the constant of the input it is linked to, and only that",
          "[runtime][infer][constants]") {
  // Only constant() of linked ports answers: InferContext without constant inputs returns nullptr.
  const BoundValues values;
  const BlockEnvironment env;
  const Tensor sizes = Tensor::from_values<std::int32_t>({2}, std::vector<std::int32_t>{3, 4});
  InferContext with(values, env, {{"sizes", {DType::Int32, PartialShape::of({2})}}}, nullptr,
                    {{"sizes", sizes}});
  REQUIRE(with.constant("sizes") != nullptr);
  CHECK(with.constant("sizes")->identical(sizes));
  CHECK(with.constant("other") == nullptr);
  InferContext without(values, env, {{"sizes", {DType::Int32, PartialShape::of({2})}}}, nullptr);
  CHECK(without.constant("sizes") == nullptr);
  without.set_constant("output", sizes);
  CHECK(without.constants().at("output").identical(sizes));
}
