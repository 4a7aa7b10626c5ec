#include "editor/canvas/link_item.h"

#include <QPainter>
#include <QPen>
#include <cmath>

namespace blockflow::editor {

QPainterPath wire_path(QPointF from, QPointF to) {
  QPainterPath path(from);
  const double bend = std::max(40.0, std::abs(to.x() - from.x()) * 0.5);
  path.cubicTo(from + QPointF(bend, 0), to - QPointF(bend, 0), to);
  return path;
}

LinkItem::LinkItem(QPointF from, QPointF to, QString label, bool valid) : label_(std::move(label)) {
  setPen(QPen(valid ? QColor(0xf2, 0xb1, 0x34) : QColor(0xe5, 0x39, 0x35), 2.2));
  setZValue(-1);
  setEnds(from, to);
}

void LinkItem::setEnds(QPointF from, QPointF to) {
  prepareGeometryChange();
  from_ = from;
  to_ = to;
  setPath(wire_path(from, to));
}

QRectF LinkItem::boundingRect() const { return QGraphicsPathItem::boundingRect().adjusted(-80, -20, 80, 20); }

void LinkItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) {
  painter->setRenderHint(QPainter::Antialiasing);
  QGraphicsPathItem::paint(painter, option, widget);
  if (label_.isEmpty()) return;
  const QPointF middle = path().pointAtPercent(0.5);
  const QFontMetricsF metrics(painter->font());
  const QRectF box = metrics.boundingRect(label_).adjusted(-4, -1, 4, 1).translated(middle - QPointF(metrics.horizontalAdvance(label_) / 2, -4));
  painter->setPen(Qt::NoPen);
  painter->setBrush(QColor(0x20, 0x22, 0x25, 220));
  painter->drawRoundedRect(box, 3, 3);
  painter->setPen(QColor(0xf0, 0xe6, 0xc8));
  painter->drawText(box, Qt::AlignCenter, label_);
}

}  // namespace blockflow::editor
