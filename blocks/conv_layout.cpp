#include "blocks/conv_layout.h"

#include "blocks/port_builders.h"

namespace blockflow {

std::vector<AttrSpec> conv_attr_specs() {
  return {
      {"data_format",
       AttrKind::Enum,
       {"NHWC", "NCHW"},
       "NHWC",
       "layout of the image tensors: NHWC [batch, height, width, channels] or NCHW"},
      {"dilations",
       AttrKind::IntList,
       {},
       "1,1,1,1",
       "dilation per input dimension, in data_format order; batch and depth must be 1"},
      {"explicit_paddings",
       AttrKind::IntList,
       {},
       "",
       "with padding EXPLICIT: (before, after) per dimension in data_format order, 8 values"},
  };
}

std::vector<PortSpec> conv_option_ports() {
  using namespace ports;
  return {
      value_in("strides", PortKind::IntList, "1,1,1,1",
               "stride per input dimension, in data_format order"),
      enum_in("padding", {"SAME", "VALID", "EXPLICIT"}, "VALID",
              "SAME pads so output = ceil(in / stride), the odd pixel after; VALID does not pad; "
              "EXPLICIT takes explicit_paddings_"),
      attrs_in("attrs", conv_attr_specs(), "data_format_, dilations_, explicit_paddings_"),
  };
}

}  // namespace blockflow
