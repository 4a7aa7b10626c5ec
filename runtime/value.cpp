#include "runtime/value.h"

#include <sstream>

#include "runtime/error.h"
#include "runtime/text_util.h"

namespace blockflow {

const AttrValue& Attrs::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw Error("attr '" + name + "' is not set");
  return it->second;
}

const IntList& Attrs::int_list(const std::string& name) const { return std::get<IntList>(get(name)); }
std::int64_t Attrs::integer(const std::string& name) const { return std::get<std::int64_t>(get(name)); }
double Attrs::real(const std::string& name) const { return std::get<double>(get(name)); }
bool Attrs::boolean(const std::string& name) const { return std::get<bool>(get(name)); }
const std::string& Attrs::text(const std::string& name) const { return std::get<std::string>(get(name)); }

std::string int_list_to_text(const IntList& list) {
  std::vector<std::string> items;
  for (std::int64_t value : list) items.push_back(std::to_string(value));
  return join(items, ",");
}

std::string attr_value_to_text(const AttrValue& value) {
  struct Printer {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      std::ostringstream out;
      out.precision(17);
      out << d;
      return out.str();
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const IntList& l) const { return int_list_to_text(l); }
  };
  return std::visit(Printer{}, value);
}

std::string attrs_to_text(const Attrs& attrs) {
  std::string text;
  for (const auto& [name, value] : attrs.all()) {
    if (!text.empty()) text += " ";
    text += name + "_ = " + attr_value_to_text(value) + ";";
  }
  return text;
}

}  // namespace blockflow
