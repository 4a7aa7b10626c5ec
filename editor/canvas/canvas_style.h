#pragma once
// Colours and shapes the canvas uses, in one place so every view draws blocks alike.
#include <QColor>
#include <QPainterPath>
#include <QString>

#include "runtime/port.h"
#include "runtime/run_observer.h"

namespace blockflow::editor {

inline constexpr double kBlockWidth = 240.0;
inline constexpr double kTitleHeight = 26.0;
inline constexpr double kPortRowHeight = 20.0;
inline constexpr double kPortRadius = 6.0;
inline constexpr const char* kBlockTypeMime = "application/x-blockflow-block-type";
inline constexpr const char* kFragmentMime = "application/x-blockflow-fragment+json";

QColor category_colour(const QString& category);
QColor port_colour(PortKind kind);
// Tensor ports are circles, int lists squares, enums diamonds, attrs triangles, others hexagons.
QPainterPath port_shape(PortKind kind, QPointF centre, double radius);
QColor status_colour(BlockStatus status);

}  // namespace blockflow::editor
