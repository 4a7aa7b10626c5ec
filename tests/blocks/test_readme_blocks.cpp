// The README's block table is checked against the catalog: every block is listed, and nothing
// listed is missing from the registry.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "blocks/builtin_blocks.h"

TEST_CASE("the README lists exactly the blocks of the catalog", "[docs]") {
  std::ifstream in(BLOCKFLOW_SOURCE_DIR "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const auto start = readme.find("\n## Blocks\n");
  REQUIRE(start != std::string::npos);
  const std::string section = readme.substr(start, readme.find("\n## ", start + 1) - start);
  std::set<std::string> listed;
  // Table rows start "| `Name` |".
  for (std::size_t at = section.find("\n| `"); at != std::string::npos; at = section.find("\n| `", at + 1)) {
    const std::size_t name_start = at + 4;
    const std::size_t name_end = section.find('`', name_start);
    if (name_end != std::string::npos && section.compare(name_end, 3, "` |") == 0)
      listed.insert(section.substr(name_start, name_end - name_start));
  }
  std::set<std::string> registered;
  for (const auto* spec : blockflow::builtin_registry().all()) registered.insert(spec->name);
  CHECK(listed == registered);
}
