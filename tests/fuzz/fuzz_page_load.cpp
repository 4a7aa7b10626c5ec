// Page loading: any bytes must give a page or located problems, never a crash; a page that loads
// must serialize and load back to the same text.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "blocks/builtin_blocks.h"
#include "src/page/page.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto loaded = blockflow::parse_page(text, "/nonexistent-fuzz-folder");
  for (const auto& problem : loaded.problems) (void)problem.to_string("fuzz.json");
  if (loaded.ok()) {
    const std::string saved = blockflow::serialize_page(*loaded.page, &blockflow::builtin_registry());
    const auto again = blockflow::parse_page(saved, "/nonexistent-fuzz-folder");
    if (!again.ok() || blockflow::serialize_page(*again.page, &blockflow::builtin_registry()) != saved) std::abort();
  }
  return 0;
}
