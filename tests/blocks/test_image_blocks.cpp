// ReadImage and WriteImage: decoding the bundled photo, dtype and channel conversion, PNG round
// trips, min/max normalization, the atomic write and the errors, with paths relative to the page.
#include <stb_image_write.h>
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/block_runner.h"
#include "tests/support/cli_runner.h"

using namespace blockflow;

namespace {

BlockEnvironment examples_env() {
  return {BLOCKFLOW_SOURCE_DIR "/examples"};
}

Tensor read(const nlohmann::json& values, const BlockEnvironment& env = examples_env()) {
  return test::run_block("ReadImage", values, {}, env).at("output");
}

}  // namespace

TEST_CASE("ReadImage decodes the bundled PNG relative to the page folder", "[image]") {
  const Tensor rgb = read({{"path", "data/scene.png"}});
  CHECK(rgb.dtype() == DType::UInt8);
  CHECK(rgb.dims() == Dims{1, 64, 96, 3});
  // The sun's centre (78, 12) is (250, 220, 90) in examples/data/make_scene.py.
  const std::uint8_t* sun = rgb.data<std::uint8_t>() + (12 * 96 + 78) * 3;
  CHECK((sun[0] == 250 && sun[1] == 220 && sun[2] == 90));
  CHECK(test::infer_block("ReadImage", {{"path", "data/scene.png"}}, {}, examples_env())
            .at("output")
            .to_string() == "uint8 [1,64,96,3]");

  const Tensor gray = read({{"path", "data/scene.png"}, {"dtype", "float"}, {"channels", 1}});
  CHECK(gray.dims() == Dims{1, 64, 96, 1});
  for (float v : gray.values<float>()) REQUIRE((v >= 0.0f && v <= 1.0f));
  const Tensor rgba = read({{"path", "data/scene.png"}, {"dtype", "double"}, {"channels", 4}});
  CHECK(rgba.dims() == Dims{1, 64, 96, 4});
  CHECK(rgba.values<double>()[3] == 1.0);  // opaque alpha added
  CHECK(rgba.values<double>()[0] == Approx(rgb.data<std::uint8_t>()[0] / 255.0));
}

TEST_CASE("ReadImage decodes JPEG too", "[image]") {
  // An 16x8 two-colour JPEG made with stb_image_write; JPEG is lossy, so colours come back close.
  const auto folder = test::fresh_folder("read_jpeg");
  std::vector<unsigned char> pixels;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 16; ++x)
      for (unsigned char v : x < 8 ? std::vector<unsigned char>{200, 40, 40}
                                   : std::vector<unsigned char>{30, 60, 220})
        pixels.push_back(v);
  std::string jpeg;
  const auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                               static_cast<std::size_t>(size));
  };
  REQUIRE(stbi_write_jpg_to_func(append, &jpeg, 16, 8, 3, pixels.data(), 95));
  test::write_text(folder / "two.jpg", jpeg);
  const Tensor image = read({{"path", "two.jpg"}}, BlockEnvironment{folder.string()});
  REQUIRE(image.dims() == Dims{1, 8, 16, 3});
  const std::uint8_t* left = image.data<std::uint8_t>() + (4 * 16 + 2) * 3;
  const std::uint8_t* right = image.data<std::uint8_t>() + (4 * 16 + 13) * 3;
  for (int c = 0; c < 3; ++c) {
    CHECK(std::abs(left[c] - pixels[static_cast<std::size_t>((4 * 16 + 2) * 3 + c)]) <= 12);
    CHECK(std::abs(right[c] - pixels[static_cast<std::size_t>((4 * 16 + 13) * 3 + c)]) <= 12);
  }
}

TEST_CASE("WriteImage writes a PNG that reads back, and passes its input through", "[image]") {
  const auto folder = test::fresh_folder("write_image");
  const BlockEnvironment env{folder.string()};
  const Tensor original = read({{"path", "data/scene.png"}});
  const auto outputs =
      test::run_block("WriteImage", {{"path", "copy.png"}}, {{"image", original}}, env);
  CHECK(outputs.at("output").identical(original));
  CHECK(read({{"path", "copy.png"}}, env).identical(original));

  // Floats in [0, 1] scale to 0..255; minmax stretches any range onto it.
  const Tensor ramp = test::tensor_from_doubles<float>({2, 2}, {-3, -1, 1, 3});
  test::run_block("WriteImage", {{"path", "ramp.png"}, {"normalize", "minmax"}}, {{"image", ramp}},
                  env);
  const Tensor stretched = read({{"path", "ramp.png"}}, env);
  CHECK(stretched.dims() == Dims{1, 2, 2, 1});
  CHECK(test::tensor_to_doubles(stretched) == std::vector<double>{0, 85, 170, 255});
  const Tensor unit = test::tensor_from_doubles<double>({1, 1, 3, 1}, {-0.5, 0.5, 2});
  test::run_block("WriteImage", {{"path", "unit.png"}}, {{"image", unit}}, env);
  CHECK(test::tensor_to_doubles(read({{"path", "unit.png"}}, env)) ==
        std::vector<double>{0, 128, 255});
  // Nothing but the PNGs is left behind: the atomic writer's temporary files are gone.
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++files;
  CHECK(files == 3);
}

TEST_CASE("image blocks report bad files, shapes and values on the right port", "[image][errors]") {
  const auto folder = test::fresh_folder("image_errors");
  const BlockEnvironment env{folder.string()};
  test::write_text(folder / "not_an_image.png", "hello");
  CHECK(test::port_error([&] { read({{"path", "missing.png"}}, env); }).rfind("path: ", 0) == 0);
  CHECK(test::port_error([&] {
          read({{"path", "not_an_image.png"}}, env);
        }).rfind("path: not_an_image.png could not be read as a PNG or JPEG image", 0) == 0);
  CHECK(test::port_error([&] {
          read({{"path", "data/scene.png"}, {"channels", 5}});
        }) == "channels: must be 0 (as stored), 1, 2, 3 or 4, got 5");
  CHECK(test::port_error([&] {
          read({{"path", "data/scene.png"}, {"dtype", "int32"}});
        }) == "dtype: must be uint8, float or double, not int32");

  const Tensor five_channels(DType::Float32, {1, 2, 2, 5});
  CHECK(test::port_error([&] {
          test::run_block("WriteImage", {{"path", "x.png"}}, {{"image", five_channels}}, env);
        }) == "image: must have 1 to 4 channels (gray, gray+alpha, RGB, RGBA), got 5");
  const Tensor batch_of_two(DType::Float32, {2, 2, 2, 3});
  CHECK(test::port_error([&] {
          test::run_block("WriteImage", {{"path", "x.png"}}, {{"image", batch_of_two}}, env);
        }) == "image: WriteImage writes one image: the batch dimension must be 1, got [2,2,2,3]");
  const Tensor ok(DType::Float32, {2, 2});
  CHECK(test::port_error([&] {
          test::run_block("WriteImage", {{"path", "no_such_dir/x.png"}}, {{"image", ok}}, env);
        }).rfind("path: ", 0) == 0);
  CHECK(!std::filesystem::exists(folder / "x.png"));
  // Like a Const's .npy, image paths may not leave the page's folder unless the user allows it.
  CHECK(test::port_error([&] {
          test::run_block("WriteImage", {{"path", "../escape.png"}}, {{"image", ok}}, env);
        }).rfind("path: path ../escape.png leads outside the page's folder", 0) == 0);
  CHECK(!std::filesystem::exists(folder.parent_path() / "escape.png"));
}
