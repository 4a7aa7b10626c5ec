#include "editor/canvas/page_scene.h"

#include <QGraphicsSceneMouseEvent>
#include <QPen>

namespace blockflow::editor {

PageScene::PageScene(PageDocument& document, RunController& runs, QObject* parent)
    : QGraphicsScene(parent), document_(document), runs_(runs) {
  setBackgroundBrush(QColor(0x1e, 0x1f, 0x22));
  setSceneRect(-4000, -4000, 8000, 8000);
  connect(&document_, &PageDocument::changed, this, &PageScene::rebuild);
  connect(&runs_, &RunController::blockStateChanged, this, [this](const QString&) { refreshRunStates(); });
  connect(&runs_, &RunController::started, this, &PageScene::refreshRunStates);
  connect(this, &QGraphicsScene::selectionChanged, this, [this] {
    if (rebuilding_) return;
    const QStringList ids = selectedIds();
    emit selectedBlockChanged(ids.size() == 1 ? ids.front() : QString());
  });
  rebuild();
}

PageScene::~PageScene() {
  // QGraphicsScene's destructor still emits selectionChanged; by then this part is gone.
  QObject::disconnect(this, nullptr, nullptr, nullptr);
  rebuilding_ = true;
  clear();
}

BlockItem* PageScene::blockItem(const QString& id) const {
  auto it = blocks_.find(id);
  return it == blocks_.end() ? nullptr : it->second;
}

QStringList PageScene::selectedIds() const {
  QStringList ids;
  for (auto* item : selectedItems())
    if (auto* block = dynamic_cast<BlockItem*>(item)) ids << block->id();
  ids.sort();
  return ids;
}

void PageScene::selectIds(const QStringList& ids) {
  clearSelection();
  for (const auto& id : ids)
    if (auto* item = blockItem(id)) item->setSelected(true);
}

QString PageScene::wireLabel(const PortRef& to) const {
  auto it = wires_.find(QString::fromStdString(to.to_string()));
  return it == wires_.end() ? QString() : it->second->label();
}

void PageScene::rebuild() {
  rebuilding_ = true;
  const QStringList selected = selectedIds();
  clear();  // items are owned by the scene
  rubber_wire_ = nullptr;
  blocks_.clear();
  wires_.clear();
  const Page& page = document_.page();
  for (const auto& block : page.graph.blocks) {
    const QString id = QString::fromStdString(block.id);
    auto* item = new BlockItem(id, document_.registry().find(block.type), QString::fromStdString(block.type));
    item->setPos(document_.position(id));
    item->setProblems(document_.problemsOf(id));
    addItem(item);
    blocks_[id] = item;
  }
  const auto& graph = document_.analysis().graph;
  for (const auto& link : page.graph.links) {
    BlockItem* from = blockItem(QString::fromStdString(link.from.block));
    BlockItem* to = blockItem(QString::fromStdString(link.to.block));
    if (!from || !to) continue;
    const TensorInfo* info = graph ? graph->output_info(link.from) : nullptr;
    const bool target_ok = document_.problemsOf(QString::fromStdString(link.to.block)).isEmpty();
    auto* wire = new LinkItem(from->portScenePos(QString::fromStdString(link.from.port)),
                              to->portScenePos(QString::fromStdString(link.to.port)),
                              info ? QString::fromStdString(info->to_string()) : QString(), info && target_ok);
    addItem(wire);
    wires_[QString::fromStdString(link.to.to_string())] = wire;
  }
  refreshRunStates();
  selectIds(selected);
  rebuilding_ = false;
  const QStringList now = selectedIds();
  emit selectedBlockChanged(now.size() == 1 ? now.front() : QString());
}

void PageScene::refreshRunStates() {
  const auto& states = runs_.states();
  for (auto& [id, item] : blocks_) {
    auto it = states.find(id);
    item->setRunState(it == states.end() ? std::nullopt : std::optional<BlockRunState>(it->second));
  }
}

std::optional<std::pair<BlockItem*, PortHit>> PageScene::portUnder(QPointF scene_pos) const {
  for (const auto& [id, item] : blocks_)
    if (auto hit = item->portAt(scene_pos)) return std::make_pair(item, *hit);
  return std::nullopt;
}

void PageScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    if (auto under = portUnder(event->scenePos())) {
      auto [item, hit] = *under;
      const PortRef ref{item->id().toStdString(), hit.port.toStdString()};
      if (hit.direction == PortDirection::Output) {
        dragging_from_ = ref;
      } else {
        // Dragging a linked input away picks the wire up from its source (Blender-style).
        for (const auto& link : document_.page().graph.links) {
          if (link.to == ref) {
            dragging_from_ = link.from;
            document_.disconnect(ref);
            break;
          }
        }
      }
      if (dragging_from_) {
        rubber_wire_ = addPath(QPainterPath(), QPen(QColor(0xff, 0xff, 0xff), 2, Qt::DashLine));
        event->accept();
        return;
      }
    }
  }
  press_positions_.clear();
  QGraphicsScene::mousePressEvent(event);
  for (const auto& [id, item] : blocks_) press_positions_[id] = item->pos();
}

void PageScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
  if (dragging_from_ && rubber_wire_) {
    BlockItem* from = blockItem(QString::fromStdString(dragging_from_->block));
    if (from) rubber_wire_->setPath(wire_path(from->portScenePos(QString::fromStdString(dragging_from_->port)), event->scenePos()));
    event->accept();
    return;
  }
  QGraphicsScene::mouseMoveEvent(event);
  // Keep wires attached while blocks move; the document learns the new places on release.
  for (const auto& link : document_.page().graph.links) {
    auto it = wires_.find(QString::fromStdString(link.to.to_string()));
    BlockItem* from = blockItem(QString::fromStdString(link.from.block));
    BlockItem* to = blockItem(QString::fromStdString(link.to.block));
    if (it != wires_.end() && from && to)
      it->second->setEnds(from->portScenePos(QString::fromStdString(link.from.port)), to->portScenePos(QString::fromStdString(link.to.port)));
  }
}

void PageScene::finishConnection(QPointF scene_pos) {
  const PortRef from = *dragging_from_;
  dragging_from_.reset();
  if (rubber_wire_) {
    removeItem(rubber_wire_);
    delete rubber_wire_;
    rubber_wire_ = nullptr;
  }
  auto under = portUnder(scene_pos);
  if (!under) return;  // dropped on nothing: no link
  const PortRef to{under->first->id().toStdString(), under->second.port.toStdString()};
  if (under->second.direction == PortDirection::Output) {
    emit connectionRefused(QString::fromStdString("cannot connect " + from.to_string() + " to " + to.to_string() +
                                                  ": both are outputs"));
    return;
  }
  const QString problem = document_.connectPorts(from, to);
  if (!problem.isEmpty())
    emit connectionRefused(QString::fromStdString("cannot connect " + from.to_string() + " to " + to.to_string() + ": ") + problem);
}

void PageScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
  if (dragging_from_) {
    finishConnection(event->scenePos());
    event->accept();
    return;
  }
  QGraphicsScene::mouseReleaseEvent(event);
  // A whole drag becomes one move in the document.
  std::map<QString, QPointF> moved;
  for (const auto& [id, item] : blocks_) {
    auto it = press_positions_.find(id);
    if (it != press_positions_.end() && it->second != item->pos()) moved[id] = item->pos();
  }
  press_positions_.clear();
  if (!moved.empty()) document_.moveBlocks(moved);
}

}  // namespace blockflow::editor
