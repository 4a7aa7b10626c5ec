#pragma once
// Small string helpers shared by the parsers and the error messages.
#include <string>
#include <string_view>
#include <vector>

namespace blockflow {

std::string_view trim(std::string_view text);
std::string to_upper(std::string_view text);
std::string to_lower(std::string_view text);
std::string join(const std::vector<std::string>& items, std::string_view separator);
// "text" in double quotes, shortened with "..." past max_chars, for error messages.
std::string quote(std::string_view text, std::size_t max_chars = 80);

}  // namespace blockflow
