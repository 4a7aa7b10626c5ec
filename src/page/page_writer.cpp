// Writing page files deterministically, so that pages diff well in version control.
#include "src/io/atomic_file.h"
#include "src/page/page.h"

namespace blockflow {

namespace {

using Json = nlohmann::ordered_json;

// Values of a known block type in the order its ports are declared, then anything else as
// it was; an unknown type's values are written back exactly as loaded.
Json ordered_values(const BlockInstance& block, const BlockRegistry* registry) {
  const BlockSpec* spec = registry ? registry->find(block.type) : nullptr;
  if (!spec || !block.values.is_object()) return block.values;
  Json values = Json::object();
  for (const auto& port : spec->ports) {
    auto it = block.values.find(port.name);
    if (it != block.values.end()) values[port.name] = *it;
  }
  for (const auto& [key, value] : block.values.items())
    if (!values.contains(key)) values[key] = value;
  return values;
}

}  // namespace

std::string serialize_page(const Page& page, const BlockRegistry* registry) {
  Json document = Json::object();
  document["format"] = kPageFormat;
  document["version"] = kPageVersion;
  document["name"] = page.name;
  Json blocks = Json::array();
  for (const auto& block : page.graph.blocks) {
    Json entry = Json::object();
    entry["id"] = block.id;
    entry["type"] = block.type;
    entry["values"] = ordered_values(block, registry);
    blocks.push_back(std::move(entry));
  }
  document["blocks"] = std::move(blocks);
  Json links = Json::array();
  for (const auto& link : page.graph.links) {
    Json entry = Json::object();
    entry["from"] = link.from.to_string();
    entry["to"] = link.to.to_string();
    links.push_back(std::move(entry));
  }
  document["links"] = std::move(links);
  if (!page.layout.is_null()) document["layout"] = page.layout;
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::strict) + "\n";
}

void save_page_file(const std::filesystem::path& path, const Page& page, const BlockRegistry* registry) {
  write_file_atomically(path, serialize_page(page, registry), true);
}

std::string page_pointer_for(const Page& page, const Diagnostic& diagnostic) {
  const auto& blocks = page.graph.blocks;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].id != diagnostic.block) continue;
    const std::string where = "/blocks/" + std::to_string(i);
    if (!diagnostic.port.empty() && blocks[i].values.is_object() && blocks[i].values.contains(diagnostic.port))
      return where + "/values/" + diagnostic.port;
    if (diagnostic.port.empty()) return where;
    break;  // a port without a value: the link that touches it, if any, is the better place
  }
  const auto& links = page.graph.links;
  for (std::size_t i = 0; i < links.size(); ++i) {
    const PortRef ref{diagnostic.block, diagnostic.port};
    if (links[i].to == ref) return "/links/" + std::to_string(i) + "/to";
    if (links[i].from == ref) return "/links/" + std::to_string(i) + "/from";
  }
  for (std::size_t i = 0; i < blocks.size(); ++i)
    if (blocks[i].id == diagnostic.block) return "/blocks/" + std::to_string(i);
  return "";
}

PageProblem page_problem_for(const Page& page, const Diagnostic& diagnostic) {
  return {page_pointer_for(page, diagnostic), 0, 0, diagnostic.to_string()};
}

}  // namespace blockflow
