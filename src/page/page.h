#pragma once
// Page files: the JSON documents people keep in git. A page is a graph (blocks, values, links)
// plus a name and an optional layout section that only the editor reads.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/diagnostic.h"
#include "runtime/graph.h"
#include "runtime/registry.h"

namespace blockflow {

inline constexpr const char* kPageFormat = "blockflow-page";
inline constexpr int kPageVersion = 1;

struct Page {
  std::string name;
  Graph graph;  // graph.base_dir is the page's folder
  // Block positions and view state; opaque here, kept as loaded, written back as it is.
  nlohmann::ordered_json layout;  // null when the page has none
};

// One problem in a page file, located by JSON pointer (e.g. /blocks/3/values/strides) or, for
// malformed JSON, by line and column.
struct PageProblem {
  std::string pointer;
  int line = 0;
  int column = 0;
  std::string message;
  // "page.json: /blocks/2/values/strides: ..." or "page.json:3:14: ..."
  std::string to_string(const std::string& page_path) const;
};

struct PageLoadResult {
  std::optional<Page> page;  // absent when the file could not be read as a page at all
  std::vector<PageProblem> problems;
  bool ok() const { return page.has_value() && problems.empty(); }
};

// Reads a page from text; never throws on bad input, every problem is reported with its place.
PageLoadResult parse_page(const std::string& text, const std::string& base_dir);
PageLoadResult load_page_file(const std::filesystem::path& path);

// Deterministic text: fixed key order, values in port order, 2-space indent, final newline.
std::string serialize_page(const Page& page, const BlockRegistry* registry = nullptr);
// Atomic: the old file stays intact if anything fails before the final rename.
void save_page_file(const std::filesystem::path& path, const Page& page,
                    const BlockRegistry* registry = nullptr);

// Where in the page a graph diagnostic points: the value, the link, or the block.
std::string page_pointer_for(const Page& page, const Diagnostic& diagnostic);
PageProblem page_problem_for(const Page& page, const Diagnostic& diagnostic);

}  // namespace blockflow
