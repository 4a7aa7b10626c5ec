#pragma once
// The view onto a page's canvas: zoom towards the cursor, pan (middle drag or space + drag),
// rubber-band selection, fit to view, block drops from the palette and the quick-add popup.
#include <QGraphicsView>

#include "editor/canvas/page_scene.h"
#include "editor/canvas/quick_add_popup.h"

namespace blockflow::editor {

class PageView : public QGraphicsView {
  Q_OBJECT

 public:
  PageView(PageScene* scene, PageDocument& document, QWidget* parent = nullptr);
  void fitToContents();
  QPointF visibleCentre() const;
  void showQuickAdd(QPointF scene_position);
  QuickAddPopup* quickAdd() const { return quick_add_; }

 signals:
  void message(const QString& text);

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dragMoveEvent(QDragMoveEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void startPan(QPoint at);
  PageDocument& document_;
  QuickAddPopup* quick_add_;
  QPointF quick_add_at_;
  bool space_held_ = false;
  bool panning_ = false;
  QPoint last_pan_point_;
};

}  // namespace blockflow::editor
