// docs/blocks.md is the block catalog rendered as Markdown. This test renders builtin_registry()
// the same way and fails when the file is stale; with BLOCKFLOW_REGENERATE_DOCS=1 it rewrites the
// file instead:
//
//   BLOCKFLOW_REGENERATE_DOCS=1 build/tests/blockflow_tests "[docs]"
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "blocks/builtin_blocks.h"
#include "src/io/atomic_file.h"
#include "tests/support/cli_runner.h"

using namespace blockflow;

namespace {

const char* const kDocsPath = BLOCKFLOW_SOURCE_DIR "/docs/blocks.md";

// Table cells: pipes escaped, newlines flattened.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string code(const std::string& text) {
  if (text.empty()) return text;
  std::string out = "`";
  out += cell(text);
  out += '`';
  return out;
}

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) {
    out += ' ';
    out += c;
    out += " |";
  }
  out += '\n';
  return out;
}

std::string attr_type(const AttrSpec& attr) {
  std::string type(attr_kind_name(attr.kind));
  if (attr.choices.empty()) return code(type);
  type += '{';
  for (std::size_t i = 0; i < attr.choices.size(); ++i) {
    if (i > 0) type += '|';
    type += attr.choices[i];
  }
  type += '}';
  return code(type);
}

std::string port_rows(const PortSpec& port) {
  const bool input = port.is_input();
  std::string default_text = input ? port.default_text : std::string();
  if (input && !port.required) {
    if (!default_text.empty()) default_text += ' ';
    default_text += "(optional)";
  }
  std::string doc = port.doc;
  if (!port.alias_of.empty()) {
    doc += " (shows ";
    doc += port.alias_of;
    doc += ')';
  }
  std::string rows = row({code(port.name), input ? "in" : "out", code(port_type_text(port)),
                          cell(default_text), cell(doc)});
  for (const AttrSpec& attr : port.attrs)
    rows += row({code(port.name + "." + attr.name + "_"), "attr", attr_type(attr),
                 code(attr.default_text), cell(attr.doc)});
  return rows;
}

std::string anchor(const std::string& name) {
  std::string out;
  for (char c : name) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string render_catalog_markdown(const BlockRegistry& registry) {
  std::string text =
      "# Blocks\n\n"
      "<!-- Generated from the block catalog (blockflow blocks) by "
      "tests/blocks/test_block_docs.cpp.\n"
      "     Do not edit: run BLOCKFLOW_REGENERATE_DOCS=1 build/tests/blockflow_tests \"[docs]\" "
      "-->\n\n"
      "Every block Blockflow ships, by category, with each port's type, default and meaning. "
      "Value ports take text as typed in the editor; `attrs` ports hold `name_ = value;` "
      "pairs.\n\n";
  std::string category;
  for (const BlockSpec* spec : registry.all()) {
    if (spec->category != category) {
      category = spec->category;
      text += "- **" + category + "**:";
      for (const BlockSpec* other : registry.all())
        if (other->category == category)
          text += " [" + other->name + "](#" + anchor(other->name) + ")";
      text += '\n';
    }
  }
  category.clear();
  for (const BlockSpec* spec : registry.all()) {
    if (spec->category != category) {
      category = spec->category;
      text += "\n## " + category + "\n";
    }
    text += "\n### " + spec->name + "\n\n" + spec->doc + "\n\n";
    text += "| Port | Direction | Type | Default | Description |\n|---|---|---|---|---|\n";
    for (const PortSpec& port : spec->ports) text += port_rows(port);
  }
  return text;
}

}  // namespace

TEST_CASE("every block, port and attribute is documented in the catalog", "[docs]") {
  for (const BlockSpec* spec : builtin_registry().all()) {
    INFO(spec->name);
    CHECK(!spec->doc.empty());
    CHECK(!spec->category.empty());
    for (const PortSpec& port : spec->ports) {
      INFO(port.name);
      CHECK(!port.doc.empty());
      for (const AttrSpec& attr : port.attrs) {
        INFO(attr.name);
        CHECK(!attr.doc.empty());
      }
    }
  }
}

TEST_CASE("docs/blocks.md matches the block catalog", "[docs]") {
  const std::string rendered = render_catalog_markdown(builtin_registry());
  const char* regenerate = std::getenv("BLOCKFLOW_REGENERATE_DOCS");
  if (regenerate && std::string(regenerate) == "1") {
    write_file_atomically(kDocsPath, rendered);
    WARN("rewrote " << kDocsPath);
  }
  const std::string on_disk = std::filesystem::exists(kDocsPath) ? test::slurp(kDocsPath) : "";
  INFO(
      "docs/blocks.md is out of date with the block catalog. Regenerate it with\n"
      "  BLOCKFLOW_REGENERATE_DOCS=1 build/tests/blockflow_tests \"[docs]\"\n"
      "and commit the result.");
  CHECK(on_disk == rendered);
}

TEST_CASE("docs/blocks.md lists every block of the CLI catalog", "[docs][cli]") {
  // The CLI's own catalog (blockflow blocks) and the Markdown come from the same registry.
  const auto folder = test::fresh_folder("docs_catalog");
  const auto result = test::run_cli("blocks", folder);
  REQUIRE(result.exit_code == 0);
  const std::string docs = test::slurp(kDocsPath);
  for (const BlockSpec* spec : builtin_registry().all()) {
    INFO(spec->name);
    CHECK(result.out.find(spec->name) != std::string::npos);
    CHECK(docs.find("### " + spec->name + "\n") != std::string::npos);
  }
}
