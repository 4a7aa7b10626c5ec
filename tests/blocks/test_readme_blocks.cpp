// The README's block table is checked against the catalog: every block is listed, and nothing
// listed is missing from the registry.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
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
  const std::regex row(R"(\n\| `([A-Za-z0-9]+)` \|)");
  for (auto it = std::sregex_iterator(section.begin(), section.end(), row); it != std::sregex_iterator(); ++it)
    listed.insert((*it)[1].str());
  std::set<std::string> registered;
  for (const auto* spec : blockflow::builtin_registry().all()) registered.insert(spec->name);
  CHECK(listed == registered);
}
