#include "editor/canvas/canvas_style.h"

#include <QPolygonF>
#include <cmath>

namespace blockflow::editor {

QColor category_colour(const QString& category) {
  if (category == "Sources") return QColor(0x3b, 0x82, 0x5c);
  if (category == "Random") return QColor(0x8a, 0x5a, 0xa8);
  if (category == "Convolution") return QColor(0x2f, 0x6f, 0xb2);
  if (category == "Images") return QColor(0xb2, 0x6b, 0x2f);
  // Any other category gets a stable colour from its name.
  const auto hue = static_cast<int>(qHash(category) % 360);
  return QColor::fromHsv(hue, 110, 170);
}

QColor port_colour(PortKind kind) {
  switch (kind) {
    case PortKind::Tensor: return QColor(0xf2, 0xb1, 0x34);
    case PortKind::IntList: return QColor(0x5d, 0xb6, 0xe8);
    case PortKind::Enum: return QColor(0xe8, 0x6f, 0x8e);
    case PortKind::Attrs: return QColor(0xa3, 0xd9, 0x77);
    default: return QColor(0xc8, 0xc8, 0xc8);
  }
}

QPainterPath port_shape(PortKind kind, QPointF c, double r) {
  QPainterPath path;
  switch (kind) {
    case PortKind::Tensor: path.addEllipse(c, r, r); break;
    case PortKind::IntList: path.addRect(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r)); break;
    case PortKind::Enum:
      path.addPolygon(QPolygonF({{c.x(), c.y() - r}, {c.x() + r, c.y()}, {c.x(), c.y() + r}, {c.x() - r, c.y()}}));
      path.closeSubpath();
      break;
    case PortKind::Attrs:
      path.addPolygon(QPolygonF({{c.x() - r, c.y() - r}, {c.x() + r, c.y()}, {c.x() - r, c.y() + r}}));
      path.closeSubpath();
      break;
    default: {
      QPolygonF hexagon;
      for (int i = 0; i < 6; ++i) hexagon << QPointF(c.x() + r * std::cos(i * M_PI / 3), c.y() + r * std::sin(i * M_PI / 3));
      path.addPolygon(hexagon);
      path.closeSubpath();
    }
  }
  return path;
}

QColor status_colour(BlockStatus status) {
  switch (status) {
    case BlockStatus::Pending: return QColor(0x9e, 0x9e, 0x9e);
    case BlockStatus::Running: return QColor(0x29, 0x79, 0xff);
    case BlockStatus::Done: return QColor(0x2e, 0x9d, 0x4f);
    case BlockStatus::Failed: return QColor(0xd3, 0x2f, 0x2f);
    case BlockStatus::Skipped: return QColor(0xf5, 0x9e, 0x0b);
  }
  return Qt::gray;
}

}  // namespace blockflow::editor
