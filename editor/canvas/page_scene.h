#pragma once
// The canvas: draws the document's blocks and links, and turns mouse input into document edits
// (move, connect, disconnect). It is rebuilt from the document after every change.
#include <QGraphicsScene>

#include <map>
#include <optional>

#include "editor/canvas/block_item.h"
#include "editor/canvas/link_item.h"
#include "editor/document/page_document.h"
#include "editor/document/run_controller.h"

namespace blockflow::editor {

class PageScene : public QGraphicsScene {
  Q_OBJECT

 public:
  PageScene(PageDocument& document, RunController& runs, QObject* parent = nullptr);
  ~PageScene() override;

  BlockItem* blockItem(const QString& id) const;
  QStringList selectedIds() const;
  void selectIds(const QStringList& ids);
  // The label shown on the wire into BLOCK.PORT, e.g. "float32 [2,1,1,4]".
  QString wireLabel(const PortRef& to) const;
  const std::map<QString, LinkItem*>& wires() const { return wires_; }

 signals:
  void connectionRefused(const QString& reason);
  void selectedBlockChanged(const QString& id);

 protected:
  void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;

 private:
  void rebuild();
  void refreshRunStates();
  std::optional<std::pair<BlockItem*, PortHit>> portUnder(QPointF scene_pos) const;
  void finishConnection(QPointF scene_pos);

  PageDocument& document_;
  RunController& runs_;
  std::map<QString, BlockItem*> blocks_;
  std::map<QString, LinkItem*> wires_;  // by "block.port" of the input
  std::optional<PortRef> dragging_from_;
  QGraphicsPathItem* rubber_wire_ = nullptr;
  std::map<QString, QPointF> press_positions_;
  bool rebuilding_ = false;
};

}  // namespace blockflow::editor
