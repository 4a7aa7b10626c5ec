#include "runtime/port.h"

#include "runtime/text_util.h"

namespace blockflow {

const AttrSpec* PortSpec::find_attr(const std::string& attr_name) const {
  for (const auto& attr : attrs)
    if (attr.name == attr_name) return &attr;
  return nullptr;
}

std::string_view port_kind_name(PortKind kind) {
  switch (kind) {
    case PortKind::Tensor: return "tensor";
    case PortKind::IntList: return "int_list";
    case PortKind::Int: return "int";
    case PortKind::Float: return "float";
    case PortKind::Enum: return "enum";
    case PortKind::DTypeName: return "dtype";
    case PortKind::String: return "string";
    case PortKind::Attrs: return "attrs";
  }
  return "?";
}

std::string_view attr_kind_name(AttrKind kind) {
  switch (kind) {
    case AttrKind::IntList: return "int_list";
    case AttrKind::Int: return "int";
    case AttrKind::Float: return "float";
    case AttrKind::Bool: return "bool";
    case AttrKind::Enum: return "enum";
    case AttrKind::String: return "string";
  }
  return "?";
}


std::string port_type_text(const PortSpec& port) {
  switch (port.kind) {
    case PortKind::Tensor: {
      std::vector<std::string> names;
      for (DType d : port.allowed_dtypes) names.emplace_back(dtype_name(d));
      std::string text = "tensor<" + (names.empty() ? std::string("any") : join(names, "|"));
      if (port.rank >= 0) text += ", rank " + std::to_string(port.rank);
      return text + ">";
    }
    case PortKind::Enum: return "enum{" + join(port.choices, "|") + "}";
    case PortKind::Attrs: {
      std::vector<std::string> names;
      for (const auto& attr : port.attrs)
        names.push_back(attr.name + "_:" + std::string(attr_kind_name(attr.kind)));
      return "attrs{" + join(names, "; ") + "}";
    }
    default: return std::string(port_kind_name(port.kind));
  }
}

}  // namespace blockflow
