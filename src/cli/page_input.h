#pragma once
// What the CLI's commands share in reading their input: the page, its compilation and the
// --fetch list. Every problem becomes an InvalidInput, reported with exit code 2 and naming the
// page, block, port and value at fault.
#include <ostream>
#include <string>
#include <vector>

#include "runtime/compiled_graph.h"
#include "runtime/graph.h"
#include "src/page/page.h"

namespace blockflow {

// A usage, page or feed problem: reported and mapped to exit code 2.
struct InvalidInput {
  std::vector<std::string> messages;
};

[[noreturn]] void invalid(std::string message);

// Prints each message prefixed with "blockflow: " and returns the exit code for invalid input.
int report_invalid(const InvalidInput& problems, std::ostream& err);

Page load_page_or_throw(const std::string& path, bool allow_outside_files);
CompileResult compile_or_throw(const Page& page, const Feeds& feeds, const std::string& path);
// BLOCK.PORT texts, each checked against the compiled page.
std::vector<PortRef> parse_fetches(const std::vector<std::string>& texts, const CompiledGraph& graph,
                                   const std::string& path);

}  // namespace blockflow
