#include "src/cli/catalog.h"

namespace blockflow {

namespace {

nlohmann::ordered_json port_json(const PortSpec& port) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["name"] = port.name;
  json["direction"] = port.is_input() ? "in" : "out";
  json["kind"] = port_kind_name(port.kind);
  json["type"] = port_type_text(port);
  if (port.is_input()) {
    json["required"] = port.required && port.default_text.empty() && port.kind != PortKind::Attrs;
    json["default"] = port.default_text;
  }
  if (!port.choices.empty()) json["choices"] = port.choices;
  if (!port.attrs.empty()) {
    nlohmann::ordered_json attrs = nlohmann::ordered_json::array();
    for (const auto& attr : port.attrs) {
      nlohmann::ordered_json a = nlohmann::ordered_json::object();
      a["name"] = attr.name + "_";
      a["kind"] = attr_kind_name(attr.kind);
      if (!attr.choices.empty()) a["choices"] = attr.choices;
      a["default"] = attr.default_text;
      a["doc"] = attr.doc;
      attrs.push_back(std::move(a));
    }
    json["attrs"] = std::move(attrs);
  }
  if (!port.alias_of.empty()) json["alias_of"] = port.alias_of;
  json["doc"] = port.doc;
  return json;
}

}  // namespace

nlohmann::ordered_json catalog_json(const BlockRegistry& registry) {
  nlohmann::ordered_json blocks = nlohmann::ordered_json::array();
  for (const BlockSpec* spec : registry.all()) {
    nlohmann::ordered_json block = nlohmann::ordered_json::object();
    block["name"] = spec->name;
    block["category"] = spec->category;
    block["doc"] = spec->doc;
    nlohmann::ordered_json ports = nlohmann::ordered_json::array();
    for (const auto& port : spec->ports) ports.push_back(port_json(port));
    block["ports"] = std::move(ports);
    blocks.push_back(std::move(block));
  }
  nlohmann::ordered_json catalog = nlohmann::ordered_json::object();
  catalog["format"] = "blockflow-catalog";
  catalog["version"] = 1;
  catalog["blocks"] = std::move(blocks);
  return catalog;
}

std::string catalog_text(const BlockRegistry& registry) {
  std::string text;
  std::string category;
  for (const BlockSpec* spec : registry.all()) {
    if (spec->category != category) {
      category = spec->category;
      text += "# " + category + "\n\n";
    }
    text += spec->name + "\n  " + spec->doc + "\n";
    for (const auto& port : spec->ports) {
      text += std::string("  ") + (port.is_input() ? "in  " : "out ") + port.name + ": " + port_type_text(port);
      if (port.is_input() && !port.default_text.empty()) text += " = " + port.default_text;
      if (port.is_input() && !port.required) text += " (optional)";
      text += "\n      " + port.doc + "\n";
      for (const auto& attr : port.attrs) {
        text += "      " + attr.name + "_: " + std::string(attr_kind_name(attr.kind));
        if (!attr.default_text.empty()) text += " = " + attr.default_text;
        text += "  " + attr.doc + "\n";
      }
    }
    text += "\n";
  }
  return text;
}

}  // namespace blockflow
