#include "editor/document/page_document.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <cmath>

#include <set>

#include "editor/document/page_edit_command.h"
#include "runtime/value_parser.h"

namespace blockflow::editor {

namespace {

using Json = nlohmann::ordered_json;

std::string text_of(const QString& s) { return s.toStdString(); }

bool is_tensor_input(const PortSpec* port) { return port && port->is_input() && port->kind == PortKind::Tensor; }

}  // namespace

PageDocument::PageDocument(const BlockRegistry& registry, QObject* parent) : QObject(parent), registry_(registry) {
  page_.name = "Untitled";
  analyse();
}

QString PageDocument::displayName() const {
  return file_path_.isEmpty() ? QStringLiteral("Untitled") : QFileInfo(file_path_).fileName();
}

QString PageDocument::load(const QString& path) {
  PageLoadResult loaded = load_page_file(text_of(path));
  if (!loaded.ok()) {
    QStringList lines;
    for (const auto& problem : loaded.problems) lines << QString::fromStdString(problem.to_string(text_of(path)));
    return lines.join('\n');
  }
  page_ = std::move(*loaded.page);
  file_path_ = path;
  undo_.clear();
  analyse();
  emit changed();
  emit fileChanged();
  return {};
}

QString PageDocument::save(const QString& path) {
  try {
    Page to_save = page_;
    to_save.graph.base_dir.clear();
    save_page_file(text_of(path), to_save, &registry_);
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  if (file_path_ != path) {
    file_path_ = path;
    page_.graph.base_dir = QFileInfo(path).absolutePath().toStdString();
    analyse();
  }
  undo_.setClean();
  emit fileChanged();
  return {};
}

void PageDocument::markRecovered(const QString& original_path) {
  file_path_ = original_path;
  page_.graph.base_dir = original_path.isEmpty() ? std::string() : QFileInfo(original_path).absolutePath().toStdString();
  undo_.resetClean();
  analyse();
  emit fileChanged();
}

void PageDocument::commit(const QString& text, Page after) {
  undo_.push(new PageEditCommand(*this, text, page_, std::move(after)));  // push() runs redo()
}

void PageDocument::restore(const Page& state) {
  page_ = state;
  analyse();
  emit changed();
}

void PageDocument::analyse() { analysis_ = compile_graph(page_.graph, registry_); }

QStringList PageDocument::problemsOf(const QString& block) const {
  QStringList list;
  for (const auto& d : analysis_.diagnostics)
    if (QString::fromStdString(d.block) == block) list << QString::fromStdString(d.to_string());
  return list;
}

QString PageDocument::freshId(const QString& type) const {
  // dw, dw_2, ... for DepthwiseConv2dNative; the type name in lower case otherwise.
  QString base = type == "DepthwiseConv2dNative" ? QStringLiteral("dw") : type.toLower();
  base.remove(QRegularExpression("[^a-z0-9_-]"));
  if (base.isEmpty()) base = "block";
  if (!page_.graph.find_block(text_of(base))) return base;
  for (int n = 2;; ++n) {
    const QString candidate = base + "_" + QString::number(n);
    if (!page_.graph.find_block(text_of(candidate))) return candidate;
  }
}

void PageDocument::setPosition(Page& page, const QString& block, QPointF position) const {
  if (!page.layout.is_object()) page.layout = Json::object();
  if (!page.layout.contains("blocks") || !page.layout["blocks"].is_object()) page.layout["blocks"] = Json::object();
  Json where = Json::object();
  where["x"] = std::round(position.x());
  where["y"] = std::round(position.y());
  page.layout["blocks"][text_of(block)] = where;
}

QPointF PageDocument::position(const QString& block) const {
  const auto& layout = page_.layout;
  if (layout.is_object() && layout.contains("blocks") && layout["blocks"].contains(text_of(block))) {
    const auto& where = layout["blocks"][text_of(block)];
    if (where.contains("x") && where.contains("y") && where["x"].is_number() && where["y"].is_number())
      return {where["x"].get<double>(), where["y"].get<double>()};
  }
  return automaticPosition(block);
}

QPointF PageDocument::automaticPosition(const QString& block) const {
  // Blocks without a position (pages written by hand) go in columns by their depth in the graph,
  // so data flows left to right.
  const auto& blocks = page_.graph.blocks;
  std::map<std::string, int> depth;
  for (const auto& b : blocks) depth[b.id] = 0;
  for (std::size_t pass = 0; pass < blocks.size(); ++pass) {
    bool moved = false;
    for (const auto& link : page_.graph.links) {
      if (!depth.count(link.from.block) || !depth.count(link.to.block)) continue;
      if (depth[link.to.block] < depth[link.from.block] + 1 && depth[link.from.block] < static_cast<int>(blocks.size())) {
        depth[link.to.block] = depth[link.from.block] + 1;
        moved = true;
      }
    }
    if (!moved) break;
  }
  std::map<int, int> row_in_column;
  for (const auto& b : blocks) {
    const int column = depth[b.id];
    const int row = row_in_column[column]++;
    if (b.id == text_of(block)) return {column * 400.0, row * 200.0};
  }
  return {};
}

QString PageDocument::addBlock(const QString& type, QPointF position, QString* new_id) {
  if (!registry_.find(text_of(type))) return "unknown block type '" + type + "'";
  const QString id = freshId(type);
  Page after = page_;
  after.graph.blocks.push_back({text_of(id), text_of(type), Json::object()});
  setPosition(after, id, position);
  commit("Add " + type, std::move(after));
  if (new_id) *new_id = id;
  return {};
}

void PageDocument::removeBlocks(const QStringList& ids) {
  if (ids.isEmpty()) return;
  std::set<std::string> doomed;
  for (const auto& id : ids) doomed.insert(text_of(id));
  Page after = page_;
  auto& blocks = after.graph.blocks;
  blocks.erase(std::remove_if(blocks.begin(), blocks.end(), [&](const BlockInstance& b) { return doomed.count(b.id); }),
               blocks.end());
  auto& links = after.graph.links;
  links.erase(std::remove_if(links.begin(), links.end(),
                             [&](const Link& l) { return doomed.count(l.from.block) || doomed.count(l.to.block); }),
              links.end());
  if (after.layout.is_object() && after.layout.contains("blocks"))
    for (const auto& id : doomed) after.layout["blocks"].erase(id);
  commit(ids.size() == 1 ? "Delete " + ids.front() : QString("Delete %1 blocks").arg(ids.size()), std::move(after));
}

void PageDocument::moveBlocks(const std::map<QString, QPointF>& new_positions) {
  if (new_positions.empty()) return;
  Page after = page_;
  for (const auto& [id, where] : new_positions) setPosition(after, id, where);
  commit(new_positions.size() == 1 ? "Move " + new_positions.begin()->first : QString("Move %1 blocks").arg(new_positions.size()),
         std::move(after));
}

QString PageDocument::connectionProblem(const PortRef& from, const PortRef& to) const {
  const BlockInstance* source = page_.graph.find_block(from.block);
  const BlockInstance* target = page_.graph.find_block(to.block);
  if (!source || !target) return "no such block";
  if (from.block == to.block) return "a block cannot feed itself";
  const BlockSpec* source_spec = registry_.find(source->type);
  const BlockSpec* target_spec = registry_.find(target->type);
  if (!source_spec || !target_spec) return "unknown block type";
  const PortSpec* out = source_spec->find_port(from.port);
  const PortSpec* in = target_spec->find_port(to.port);
  if (!out || !out->is_output()) return QString::fromStdString("'" + from.port + "' is not an output");
  if (!in || !in->is_input()) return QString::fromStdString("'" + to.port + "' is not an input");
  if (!is_tensor_input(in))
    return QString::fromStdString("port '" + to.port + "' takes " + port_type_text(*in) + ", not a tensor: type its value in the properties");
  // The dtype, when known, must be one the input accepts.
  if (const TensorInfo* info = analysis_.graph ? analysis_.graph->output_info(from) : nullptr) {
    if (!in->allowed_dtypes.empty() &&
        std::find(in->allowed_dtypes.begin(), in->allowed_dtypes.end(), info->dtype) == in->allowed_dtypes.end())
      return QString::fromStdString("port '" + to.port + "' takes " + port_type_text(*in) + ", but " + from.to_string() +
                                    " gives " + std::string(dtype_name(info->dtype)));
  }
  // No cycles: the target must not already feed the source.
  std::vector<std::string> stack{to.block};
  std::set<std::string> seen;
  while (!stack.empty()) {
    const std::string block = stack.back();
    stack.pop_back();
    if (block == from.block) return "the link would close a cycle";
    if (!seen.insert(block).second) continue;
    for (const auto& link : page_.graph.links)
      if (link.from.block == block) stack.push_back(link.to.block);
  }
  return {};
}

QString PageDocument::connectPorts(const PortRef& from, const PortRef& to) {
  const QString problem = connectionProblem(from, to);
  if (!problem.isEmpty()) return problem;
  Page after = page_;
  auto& links = after.graph.links;
  // An input takes one link: connecting replaces the old one, in the same undo step.
  links.erase(std::remove_if(links.begin(), links.end(), [&](const Link& l) { return l.to == to; }), links.end());
  links.push_back({from, to});
  commit(QString::fromStdString("Connect " + from.to_string() + " to " + to.to_string()), std::move(after));
  return {};
}

void PageDocument::disconnect(const PortRef& to) {
  Page after = page_;
  auto& links = after.graph.links;
  const auto before = links.size();
  links.erase(std::remove_if(links.begin(), links.end(), [&](const Link& l) { return l.to == to; }), links.end());
  if (links.size() != before) commit(QString::fromStdString("Disconnect " + to.to_string()), std::move(after));
}

QString PageDocument::setValue(const QString& block, const QString& port, const QString& text) {
  const BlockInstance* instance = page_.graph.find_block(text_of(block));
  if (!instance) return "no block '" + block + "'";
  const BlockSpec* spec = registry_.find(instance->type);
  const PortSpec* port_spec = spec ? spec->find_port(text_of(port)) : nullptr;
  if (!port_spec || !port_spec->is_input() || port_spec->kind == PortKind::Tensor)
    return "block '" + block + "' has no value port '" + port + "'";
  try {
    parse_port_value(*port_spec, Json(text_of(text)));  // refuse what would not parse
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  if (valueText(block, port) == text && instance->values.contains(text_of(port))) return {};
  Page after = page_;
  after.graph.find_block(text_of(block))->values[text_of(port)] = text_of(text);
  commit("Set " + block + "." + port, std::move(after));
  return {};
}

void PageDocument::clearValue(const QString& block, const QString& port) {
  const BlockInstance* instance = page_.graph.find_block(text_of(block));
  if (!instance || !instance->values.contains(text_of(port))) return;
  Page after = page_;
  after.graph.find_block(text_of(block))->values.erase(text_of(port));
  commit("Clear " + block + "." + port, std::move(after));
}

QString PageDocument::valueText(const QString& block, const QString& port) const {
  const BlockInstance* instance = page_.graph.find_block(text_of(block));
  if (!instance || !instance->values.is_object() || !instance->values.contains(text_of(port))) return {};
  const Json& value = instance->values[text_of(port)];
  return QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
}

QString PageDocument::copyBlocks(const QStringList& ids) const {
  std::set<std::string> chosen;
  for (const auto& id : ids) chosen.insert(text_of(id));
  Json fragment = Json::object();
  fragment["format"] = "blockflow-fragment";
  fragment["blocks"] = Json::array();
  fragment["links"] = Json::array();
  for (const auto& block : page_.graph.blocks) {
    if (!chosen.count(block.id)) continue;
    Json entry = Json::object();
    entry["id"] = block.id;
    entry["type"] = block.type;
    entry["values"] = block.values;
    const QPointF where = position(QString::fromStdString(block.id));
    entry["x"] = where.x();
    entry["y"] = where.y();
    fragment["blocks"].push_back(entry);
  }
  for (const auto& link : page_.graph.links) {
    if (!chosen.count(link.from.block) || !chosen.count(link.to.block)) continue;
    fragment["links"].push_back(Json{{"from", link.from.to_string()}, {"to", link.to.to_string()}});
  }
  return QString::fromStdString(fragment.dump(2));
}

QString PageDocument::paste(const QString& json, QPointF offset, QStringList* new_ids) {
  Json fragment;
  try {
    fragment = Json::parse(text_of(json));
  } catch (const std::exception& e) {
    return "the clipboard holds no Blockflow blocks";
  }
  if (!fragment.is_object() || fragment.value("format", "") != "blockflow-fragment" || !fragment["blocks"].is_array())
    return "the clipboard holds no Blockflow blocks";
  Page after = page_;
  std::map<std::string, std::string> renamed;
  PageDocument scratch(registry_);  // fresh ids must avoid those already pasted too
  scratch.page_ = after;
  for (const auto& entry : fragment["blocks"]) {
    const QString type = QString::fromStdString(entry.value("type", ""));
    const QString id = scratch.freshId(type);
    renamed[entry.value("id", "")] = text_of(id);
    BlockInstance block{text_of(id), text_of(type), entry.value("values", Json::object())};
    after.graph.blocks.push_back(block);
    scratch.page_.graph.blocks.push_back(block);
    setPosition(after, id, QPointF(entry.value("x", 0.0), entry.value("y", 0.0)) + offset);
    if (new_ids) *new_ids << id;
  }
  for (const auto& link : fragment.value("links", Json::array())) {
    auto from = parse_port_ref(link.value("from", ""));
    auto to = parse_port_ref(link.value("to", ""));
    if (!from || !to || !renamed.count(from->block) || !renamed.count(to->block)) continue;
    after.graph.links.push_back({{renamed[from->block], from->port}, {renamed[to->block], to->port}});
  }
  commit(QString("Paste %1 blocks").arg(renamed.size()), std::move(after));
  return {};
}

}  // namespace blockflow::editor
