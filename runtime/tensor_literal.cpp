#include "runtime/tensor_literal.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "runtime/text_util.h"

namespace blockflow {

namespace {

std::optional<double> parse_real(std::string_view token) {
  std::string lowered;
  for (char c : token) lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lowered == "inf" || lowered == "+inf" || lowered == "infinity") return std::numeric_limits<double>::infinity();
  if (lowered == "-inf" || lowered == "-infinity") return -std::numeric_limits<double>::infinity();
  if (lowered == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  double value = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc{} || end != token.data() + token.size() || token.empty()) return std::nullopt;
  return value;
}

template <typename Int>
bool store_integer(std::string_view token, void* destination) {
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  Int value{};
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc{} || end != token.data() + token.size() || token.empty()) return false;
  *static_cast<Int*>(destination) = value;
  return true;
}

// Nested literal scanned into flat tokens plus the shape its braces describe.
struct NestedScan {
  std::vector<std::string> tokens;
  Dims shape;
};

class NestedScanner {
 public:
  explicit NestedScanner(std::string_view text) : text_(text) {}

  NestedScan scan() {
    NestedScan result;
    skip_space();
    Dims shape = parse_level(result.tokens);
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the closing brace");
    result.shape = std::move(shape);
    return result;
  }

 private:
  static bool is_open(char c) { return c == '{' || c == '['; }
  static bool is_close(char c) { return c == '}' || c == ']'; }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("value " + quote(text_, 60) + ": " + what + " at character " + std::to_string(pos_ + 1));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  // Returns the shape of the level starting at pos_ (a brace or a scalar token).
  Dims parse_level(std::vector<std::string>& tokens) {
    if (++depth_ > max_tensor_rank()) fail("nesting deeper than rank " + std::to_string(max_tensor_rank()));
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end");
    if (!is_open(text_[pos_])) {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != ',' && !is_close(text_[pos_]) && !is_open(text_[pos_])) ++pos_;
      const std::string_view token = trim(text_.substr(start, pos_ - start));
      if (token.empty()) fail("empty element");
      tokens.emplace_back(token);
      --depth_;
      return {};
    }
    ++pos_;
    std::optional<Dims> inner;
    std::int64_t count = 0;
    skip_space();
    if (pos_ < text_.size() && is_close(text_[pos_])) {
      ++pos_;
      --depth_;
      return {0};
    }
    for (;;) {
      Dims shape = parse_level(tokens);
      if (inner && *inner != shape) fail("rows of different lengths (" + dims_to_string(*inner) + " vs " + dims_to_string(shape) + ")");
      inner = std::move(shape);
      ++count;
      skip_space();
      if (pos_ >= text_.size()) fail("missing closing brace");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (is_close(text_[pos_])) {
        ++pos_;
        break;
      }
      fail("expected ',' or a closing brace");
    }
    Dims shape{count};
    shape.insert(shape.end(), inner->begin(), inner->end());
    --depth_;
    return shape;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

std::vector<std::string> split_flat(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  for (char c : text) {
    if (c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

}  // namespace

bool store_literal_element(std::string_view token, DType dtype, void* destination) {
  token = trim(token);
  switch (dtype) {
    case DType::Int32: return store_integer<std::int32_t>(token, destination);
    case DType::Int64: return store_integer<std::int64_t>(token, destination);
    case DType::UInt8: return store_integer<std::uint8_t>(token, destination);
    case DType::Bool: {
      std::string word;
      for (char c : token) word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (word == "true" || word == "1") *static_cast<bool*>(destination) = true;
      else if (word == "false" || word == "0") *static_cast<bool*>(destination) = false;
      else return false;
      return true;
    }
    default: break;
  }
  auto value = parse_real(token);
  if (!value) return false;
  switch (dtype) {
    case DType::Float16: *static_cast<Eigen::half*>(destination) = Eigen::half(static_cast<float>(*value)); break;
    case DType::BFloat16: *static_cast<Eigen::bfloat16*>(destination) = Eigen::bfloat16(static_cast<float>(*value)); break;
    case DType::Float32: *static_cast<float*>(destination) = static_cast<float>(*value); break;
    default: *static_cast<double*>(destination) = *value; break;
  }
  return true;
}

Tensor parse_tensor_literal(std::string_view text, DType dtype, const std::optional<Dims>& shape) {
  const std::string_view body = trim(text);
  std::vector<std::string> tokens;
  Dims literal_shape;
  if (!body.empty() && (body.front() == '{' || body.front() == '[')) {
    NestedScan scan = NestedScanner(body).scan();
    tokens = std::move(scan.tokens);
    literal_shape = std::move(scan.shape);
  } else {
    tokens = split_flat(body);
    if (tokens.size() != 1) literal_shape = {static_cast<std::int64_t>(tokens.size())};
  }
  Dims dims = shape.value_or(literal_shape);
  Tensor tensor(dtype, dims);  // checks the allocation cap before anything is parsed
  const auto count = static_cast<std::size_t>(tensor.element_count());
  const bool fill = tokens.size() == 1 && count != 1;
  if (!fill && tokens.size() != count) {
    throw Error("value has " + std::to_string(tokens.size()) + " elements, but shape " +
                dims_to_string(dims) + " needs " + std::to_string(count) +
                " (or a single value to fill it)");
  }
  if (tokens.empty()) return tensor;
  auto* bytes = static_cast<std::byte*>(tensor.raw_data());
  const std::size_t element = dtype_size(dtype);
  for (std::size_t i = 0; i < (fill ? 1 : count); ++i) {
    if (!store_literal_element(tokens[i], dtype, bytes + i * element)) {
      throw Error("element " + std::to_string(i) + " " + quote(tokens[i], 60) + " is not a valid " +
                  std::string(dtype_name(dtype)) + " value");
    }
  }
  for (std::size_t i = 1; fill && i < count; ++i) std::memcpy(bytes + i * element, bytes, element);
  return tensor;
}

}  // namespace blockflow
