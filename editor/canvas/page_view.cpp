#include "editor/canvas/page_view.h"

#include <QMimeData>
#include <QScrollBar>
#include <QWheelEvent>
#include <cmath>

#include "editor/canvas/canvas_style.h"

namespace blockflow::editor {

PageView::PageView(PageScene* scene, PageDocument& document, QWidget* parent)
    : QGraphicsView(scene, parent), document_(document), quick_add_(new QuickAddPopup(document.registry(), this)) {
  setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  setDragMode(QGraphicsView::RubberBandDrag);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
  setAcceptDrops(true);
  setFocusPolicy(Qt::StrongFocus);
  connect(quick_add_, &QuickAddPopup::chosen, this, [this](const QString& type) {
    const QString problem = document_.addBlock(type, quick_add_at_);
    if (!problem.isEmpty()) emit message(problem);
  });
}

void PageView::fitToContents() {
  QRectF bounds;
  for (auto* item : scene()->items())
    if (dynamic_cast<BlockItem*>(item)) bounds |= item->sceneBoundingRect();
  if (bounds.isEmpty()) return;
  fitInView(bounds.adjusted(-60, -60, 60, 60), Qt::KeepAspectRatio);
  if (transform().m11() > 1.5) setTransform(QTransform::fromScale(1.5, 1.5));  // small pages stay readable
  centerOn(bounds.center());
}

QPointF PageView::visibleCentre() const { return mapToScene(viewport()->rect().center()); }

void PageView::showQuickAdd(QPointF scene_position) {
  quick_add_at_ = scene_position;
  quick_add_->popup(viewport()->mapToGlobal(mapFromScene(scene_position)));
}

void PageView::wheelEvent(QWheelEvent* event) {
  // Zoom towards the cursor (the anchor is under the mouse), within sensible limits.
  const double factor = std::pow(1.0015, event->angleDelta().y());
  const double scale_now = transform().m11();
  if (scale_now * factor < 0.1 || scale_now * factor > 6.0) return;
  scale(factor, factor);
  event->accept();
}

void PageView::startPan(QPoint at) {
  panning_ = true;
  last_pan_point_ = at;
  viewport()->setCursor(Qt::ClosedHandCursor);
}

void PageView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && space_held_)) {
    startPan(event->pos());
    event->accept();
    return;
  }
  QGraphicsView::mousePressEvent(event);
}

void PageView::mouseMoveEvent(QMouseEvent* event) {
  if (panning_) {
    const QPoint delta = event->pos() - last_pan_point_;
    last_pan_point_ = event->pos();
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
    event->accept();
    return;
  }
  QGraphicsView::mouseMoveEvent(event);
}

void PageView::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_) {
    panning_ = false;
    viewport()->unsetCursor();
    event->accept();
    return;
  }
  QGraphicsView::mouseReleaseEvent(event);
}

void PageView::mouseDoubleClickEvent(QMouseEvent* event) {
  if (!itemAt(event->pos())) {
    showQuickAdd(mapToScene(event->pos()));
    return;
  }
  QGraphicsView::mouseDoubleClickEvent(event);
}

void PageView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
    space_held_ = true;
    return;
  }
  if (event->key() == Qt::Key_Tab) {
    const QPoint cursor = viewport()->mapFromGlobal(QCursor::pos());
    showQuickAdd(viewport()->rect().contains(cursor) ? mapToScene(cursor) : visibleCentre());
    return;
  }
  QGraphicsView::keyPressEvent(event);
}

void PageView::keyReleaseEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) space_held_ = false;
  QGraphicsView::keyReleaseEvent(event);
}

void PageView::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasFormat(kBlockTypeMime)) event->acceptProposedAction();
  else QGraphicsView::dragEnterEvent(event);
}

void PageView::dragMoveEvent(QDragMoveEvent* event) {
  if (event->mimeData()->hasFormat(kBlockTypeMime)) event->acceptProposedAction();
  else QGraphicsView::dragMoveEvent(event);
}

void PageView::dropEvent(QDropEvent* event) {
  if (!event->mimeData()->hasFormat(kBlockTypeMime)) {
    QGraphicsView::dropEvent(event);
    return;
  }
  const QString type = QString::fromUtf8(event->mimeData()->data(kBlockTypeMime));
  const QString problem = document_.addBlock(type, mapToScene(event->position().toPoint()));
  if (!problem.isEmpty()) emit message(problem);
  event->acceptProposedAction();
}

}  // namespace blockflow::editor
