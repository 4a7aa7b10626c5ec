#pragma once
// The block catalog: every registered block with its full port signatures.
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/registry.h"

namespace blockflow {

nlohmann::ordered_json catalog_json(const BlockRegistry& registry);
std::string catalog_text(const BlockRegistry& registry);

}  // namespace blockflow
