// Reading page files: every problem is collected with its JSON pointer; nothing throws out.
#include <set>
#include <unordered_set>

#include "runtime/text_util.h"
#include "src/io/atomic_file.h"
#include "src/page/page.h"

namespace blockflow {

namespace {

using Json = nlohmann::ordered_json;

std::string kind_of(const Json& value) {
  if (value.is_string()) return "a string";
  if (value.is_number()) return "a number";
  if (value.is_boolean()) return "a boolean";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

// Line and column (1-based) of a byte offset, for malformed JSON.
std::pair<int, int> line_and_column(const std::string& text, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return {line, column};
}

// nlohmann's message without its "[json.exception...] " tag and "parse error at line 3, column 4: ".
std::string plain_parse_message(const std::string& what) {
  std::string message = what;
  if (const auto tag = message.find("] "); tag != std::string::npos) message.erase(0, tag + 2);
  if (message.rfind("parse error", 0) == 0) {
    if (const auto colon = message.find(": "); colon != std::string::npos) message.erase(0, colon + 2);
  }
  return message;
}

class PageReader {
 public:
  explicit PageReader(std::string base_dir) { page_.graph.base_dir = std::move(base_dir); }

  // Takes the document apart: block values are moved into the page, not copied.
  PageLoadResult read(Json& document) {
    if (!document.is_object()) {
      problem("", "a page must be a JSON object, not " + kind_of(document));
      return finish(false);
    }
    if (!read_header(document)) return finish(false);
    check_top_level_keys(document);
    read_blocks(document);
    read_links(document);
    if (document.contains("layout")) {
      if (document["layout"].is_object()) page_.layout = document["layout"];
      else problem("/layout", "must be an object, not " + kind_of(document["layout"]));
    }
    return finish(true);
  }

 private:
  void problem(std::string pointer, std::string message) {
    problems_.push_back({std::move(pointer), 0, 0, std::move(message)});
  }

  PageLoadResult finish(bool with_page) {
    PageLoadResult result;
    if (with_page) result.page = std::move(page_);
    result.problems = std::move(problems_);
    return result;
  }

  // Format and version decide whether the rest can be read at all.
  bool read_header(const Json& document) {
    const auto format = document.find("format");
    if (format == document.end()) {
      problem("/format", "missing; a page starts with \"format\": \"blockflow-page\"");
      return false;
    }
    if (*format != kPageFormat) {
      problem("/format", "is " + format->dump() + ", not \"blockflow-page\"");
      return false;
    }
    const auto version = document.find("version");
    if (version == document.end() || !version->is_number_integer()) {
      problem("/version", version == document.end() ? "missing" : "must be an integer, not " + version->dump());
      return false;
    }
    const auto number = version->get<std::int64_t>();
    if (number > kPageVersion) {
      problem("/version", "this page has format version " + std::to_string(number) +
                              ", newer than this Blockflow reads (" + std::to_string(kPageVersion) +
                              "); open it with a newer Blockflow");
      return false;
    }
    if (number < 1) {
      problem("/version", "must be 1 or more, not " + std::to_string(number));
      return false;
    }
    if (document.contains("name")) {
      if (document["name"].is_string()) page_.name = document["name"].get<std::string>();
      else problem("/name", "must be a string, not " + kind_of(document["name"]));
    }
    return true;
  }

  void check_top_level_keys(const Json& document) {
    static const std::set<std::string> known = {"format", "version", "name", "blocks", "links", "layout"};
    for (const auto& [key, value] : document.items())
      if (!known.count(key)) problem("/" + key, "unknown key (a page has format, version, name, blocks, links, layout)");
  }

  void read_blocks(Json& document) {
    const auto blocks = document.find("blocks");
    if (blocks == document.end()) {
      problem("/blocks", "missing; a page lists its blocks, even as []");
      return;
    }
    if (!blocks->is_array()) {
      problem("/blocks", "must be an array, not " + kind_of(*blocks));
      return;
    }
    std::unordered_set<std::string> ids;
    for (std::size_t i = 0; i < blocks->size(); ++i) read_block((*blocks)[i], "/blocks/" + std::to_string(i), ids);
  }

  void read_block(Json& block, const std::string& where, std::unordered_set<std::string>& ids) {
    if (!block.is_object()) {
      problem(where, "a block must be an object, not " + kind_of(block));
      return;
    }
    for (const auto& [key, value] : block.items())
      if (key != "id" && key != "type" && key != "values") problem(where + "/" + key, "unknown key (a block has id, type, values)");
    BlockInstance instance;
    const bool has_id = read_string(block, "id", where, instance.id);
    const bool has_type = read_string(block, "type", where, instance.type);
    bool usable = has_id && has_type;
    if (usable && !valid_id(instance.id)) {
      problem(where + "/id", quote(instance.id) + " is not a valid id: use letters, digits, _ and -");
      usable = false;
    }
    if (usable && !ids.insert(instance.id).second) {
      problem(where + "/id", "duplicate block id " + quote(instance.id));
      usable = false;
    }
    if (block.contains("values")) {
      Json& values = block["values"];
      if (!values.is_object()) {
        problem(where + "/values", "must be an object of port values, not " + kind_of(values));
      } else {
        for (const auto& [port, value] : values.items()) {
          if (value.is_null()) problem(where + "/values/" + port, "must not be null");
        }
        instance.values = std::move(values);
      }
    }
    if (usable) page_.graph.blocks.push_back(std::move(instance));
  }

  static bool valid_id(const std::string& id) {
    if (id.empty()) return false;
    for (char c : id)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
    return true;
  }

  bool read_string(const Json& object, const char* key, const std::string& where, std::string& out) {
    const auto it = object.find(key);
    if (it == object.end()) {
      problem(where + "/" + key, "missing");
      return false;
    }
    if (!it->is_string()) {
      problem(where + "/" + key, "must be a string, not " + kind_of(*it));
      return false;
    }
    out = it->get<std::string>();
    return true;
  }

  void read_links(const Json& document) {
    const auto links = document.find("links");
    if (links == document.end()) return;  // a page of unconnected blocks
    if (!links->is_array()) {
      problem("/links", "must be an array, not " + kind_of(*links));
      return;
    }
    for (std::size_t i = 0; i < links->size(); ++i) {
      const Json& link = (*links)[i];
      const std::string where = "/links/" + std::to_string(i);
      if (!link.is_object()) {
        problem(where, "a link must be an object like {\"from\": \"a.output\", \"to\": \"b.input\"}, not " + kind_of(link));
        continue;
      }
      for (const auto& [key, value] : link.items())
        if (key != "from" && key != "to") problem(where + "/" + key, "unknown key (a link has from, to)");
      std::string from, to;
      const bool has_from = read_string(link, "from", where, from);
      const bool has_to = read_string(link, "to", where, to);
      if (!has_from || !has_to) continue;
      const auto from_ref = parse_port_ref(from);
      const auto to_ref = parse_port_ref(to);
      if (!from_ref) problem(where + "/from", quote(from) + " is not BLOCK.PORT");
      if (!to_ref) problem(where + "/to", quote(to) + " is not BLOCK.PORT");
      if (from_ref && to_ref) page_.graph.links.push_back({*from_ref, *to_ref});
    }
  }

  Page page_;
  std::vector<PageProblem> problems_;
};

}  // namespace

std::string PageProblem::to_string(const std::string& page_path) const {
  if (line > 0) return page_path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
  if (pointer.empty()) return page_path + ": " + message;
  return page_path + ": " + pointer + ": " + message;
}

PageLoadResult parse_page(const std::string& text, const std::string& base_dir) {
  Json document;
  try {
    document = Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const auto [line, column] = line_and_column(text, e.byte > 0 ? e.byte - 1 : 0);
    PageLoadResult result;
    result.problems.push_back({"", line, column, "malformed JSON: " + plain_parse_message(e.what())});
    return result;
  } catch (const nlohmann::json::exception& e) {
    // E.g. a number too large for a double: not a syntax error, and nlohmann gives no position.
    PageLoadResult result;
    result.problems.push_back({"", 0, 0, "malformed JSON: " + plain_parse_message(e.what())});
    return result;
  }
  return PageReader(base_dir).read(document);
}

PageLoadResult load_page_file(const std::filesystem::path& path) {
  std::string text;
  std::error_code error;
  PageLoadResult failed;
  if (!std::filesystem::exists(path, error)) {
    failed.problems.push_back({"", 0, 0, "no such file"});
    return failed;
  }
  if (std::filesystem::is_directory(path, error)) {
    failed.problems.push_back({"", 0, 0, "is a folder, not a page file"});
    return failed;
  }
  try {
    text = read_file(path);
  } catch (const Error& e) {
    failed.problems.push_back({"", 0, 0, e.what()});
    return failed;
  }
  const std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  return parse_page(text, folder.string());
}

}  // namespace blockflow
