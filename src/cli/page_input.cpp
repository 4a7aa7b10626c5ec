#include "src/cli/page_input.h"

#include "blocks/builtin_blocks.h"
#include "src/cli/run_command.h"

namespace blockflow {

void invalid(std::string message) { throw InvalidInput{{std::move(message)}}; }

int report_invalid(const InvalidInput& problems, std::ostream& err) {
  for (const auto& message : problems.messages) err << "blockflow: " << message << "\n";
  return kExitInvalid;
}

Page load_page_or_throw(const std::string& path, bool allow_outside_files) {
  PageLoadResult loaded = load_page_file(path);
  if (!loaded.problems.empty()) {
    InvalidInput problems;
    for (const auto& problem : loaded.problems) problems.messages.push_back(problem.to_string(path));
    throw problems;
  }
  loaded.page->graph.allow_outside_files = allow_outside_files;
  return std::move(*loaded.page);
}

CompileResult compile_or_throw(const Page& page, const Feeds& feeds, const std::string& path) {
  CompileResult compiled = compile_graph(page.graph, builtin_registry(), feeds);
  if (!compiled.ok()) {
    InvalidInput problems;
    for (const auto& d : compiled.diagnostics) problems.messages.push_back(page_problem_for(page, d).to_string(path));
    throw problems;
  }
  return compiled;
}

std::vector<PortRef> parse_fetches(const std::vector<std::string>& texts, const CompiledGraph& graph,
                                   const std::string& path) {
  std::vector<PortRef> fetches;
  for (const auto& text : texts) {
    auto ref = parse_port_ref(text);
    if (!ref) invalid(path + ": --fetch \"" + text + "\": expected BLOCK.PORT, e.g. dw.output");
    const CompiledNode* node = graph.find(ref->block);
    if (!node) invalid(path + ": --fetch " + text + ": no block '" + ref->block + "' on the page");
    const PortSpec* port = node->spec->find_port(ref->port);
    if (!port || !port->is_output())
      invalid(path + ": --fetch " + text + ": block '" + ref->block + "' (" + node->spec->name +
              ") has no output port '" + ref->port + "'");
    fetches.push_back(*ref);
  }
  return fetches;
}

}  // namespace blockflow
