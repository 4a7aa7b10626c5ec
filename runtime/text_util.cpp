#include "runtime/text_util.h"

#include <cctype>

namespace blockflow {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) text.append(separator);
    text.append(items[i]);
  }
  return text;
}

std::string quote(std::string_view text, std::size_t max_chars) {
  std::string shown = "\"";
  shown.append(text.substr(0, max_chars));
  if (text.size() > max_chars) shown.append("...");
  shown.push_back('"');
  return shown;
}

}  // namespace blockflow
