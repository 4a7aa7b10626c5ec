#pragma once
// Draws one block: title in its category colour, inputs on the left, outputs on the right,
// a run badge, and a red outline with the problem as tooltip. It holds no page data of its own.
#include <QGraphicsItem>

#include <optional>

#include "editor/document/run_controller.h"
#include "runtime/block_spec.h"

namespace blockflow::editor {

struct PortHit {
  QString port;
  PortDirection direction;
};

class BlockItem : public QGraphicsItem {
 public:
  BlockItem(QString id, const BlockSpec* spec, QString type_name);

  const QString& id() const { return id_; }
  const BlockSpec* spec() const { return spec_; }
  void setProblems(const QStringList& problems);
  void setRunState(const std::optional<BlockRunState>& state);

  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  // Port centres in scene coordinates; hit testing for connecting.
  QPointF portScenePos(const QString& port) const;
  std::optional<PortHit> portAt(QPointF scene_pos) const;

 private:
  struct PortSlot {
    const PortSpec* spec;
    QPointF centre;  // item coordinates
  };
  void layoutPorts();
  double height() const;

  QString id_;
  const BlockSpec* spec_;
  QString type_name_;
  std::vector<PortSlot> slots_;
  int rows_ = 0;
  QStringList problems_;
  std::optional<BlockRunState> run_state_;
};

}  // namespace blockflow::editor
