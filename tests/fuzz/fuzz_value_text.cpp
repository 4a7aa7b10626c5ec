// Value and attrs text as users type it: int lists, enums, attrs and tensor literals. Errors are
// fine; crashes, hangs and undefined behaviour are not.
#include <cstdint>
#include <string>

#include "blocks/builtin_blocks.h"
#include "runtime/tensor_literal.h"
#include "runtime/value_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  blockflow::set_max_tensor_bytes(1 << 20);  // keep literals small
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const blockflow::BlockSpec& depthwise = *blockflow::builtin_registry().find("DepthwiseConv2dNative");
  try {
    switch (data[0] % 5) {
      case 0: blockflow::parse_int_list_text("strides", text); break;
      case 1: blockflow::parse_attrs_text(*depthwise.find_port("attrs"), text); break;
      case 2: blockflow::parse_port_value(*depthwise.find_port("padding"), nlohmann::json(text)); break;
      case 3: blockflow::parse_tensor_literal(text, blockflow::kAllDTypes[data[0] / 5 % 8], std::nullopt); break;
      default: {
        const auto json = nlohmann::json::parse(text, nullptr, false);
        if (!json.is_discarded()) blockflow::parse_port_value(*depthwise.find_port("attrs"), json);
      }
    }
  } catch (const blockflow::Error&) {
  }
  return 0;
}
