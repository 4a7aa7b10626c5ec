#pragma once
// Typed values of non-tensor ports, after parsing what the user typed.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runtime/dtype.h"

namespace blockflow {

using IntList = std::vector<std::int64_t>;
using AttrValue = std::variant<bool, std::int64_t, double, std::string, IntList>;

// Attributes by name (without trailing underscore); holds every declared attr, defaults filled in.
class Attrs {
 public:
  void set(std::string name, AttrValue value) { values_[std::move(name)] = std::move(value); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const IntList& int_list(const std::string& name) const;
  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  bool boolean(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  const std::map<std::string, AttrValue>& all() const { return values_; }
  bool operator==(const Attrs&) const = default;

 private:
  const AttrValue& get(const std::string& name) const;
  std::map<std::string, AttrValue> values_;
};

// monostate: the port has no value (optional and unset).
using PortValue =
    std::variant<std::monostate, IntList, std::int64_t, double, std::string, DType, Attrs>;

std::string int_list_to_text(const IntList& list);  // "1,2,2,1"
std::string attr_value_to_text(const AttrValue& value);
std::string attrs_to_text(const Attrs& attrs);      // "data_format_ = NHWC; dilations_ = 1,1,1,1;"

}  // namespace blockflow
