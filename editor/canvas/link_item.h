#pragma once
// A wire between two ports, drawn as a curve with the dtype and shape it carries.
#include <QGraphicsPathItem>

namespace blockflow::editor {

class LinkItem : public QGraphicsPathItem {
 public:
  LinkItem(QPointF from, QPointF to, QString label, bool valid);
  void setEnds(QPointF from, QPointF to);
  const QString& label() const { return label_; }
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
  QRectF boundingRect() const override;

 private:
  QPointF from_, to_;
  QString label_;
};

// The curve wires follow: horizontal tangents at both ends, as node editors draw them.
QPainterPath wire_path(QPointF from, QPointF to);

}  // namespace blockflow::editor
