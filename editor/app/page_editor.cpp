#include "editor/app/page_editor.h"

#include <QApplication>
#include <QClipboard>
#include <QMimeData>
#include <QVBoxLayout>

#include "editor/canvas/canvas_style.h"

namespace blockflow::editor {

PageEditor::PageEditor(const BlockRegistry& registry, QWidget* parent)
    : QWidget(parent), document_(registry), runs_(document_) {
  scene_ = new PageScene(document_, runs_, this);
  view_ = new PageView(scene_, document_, this);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);
}

void PageEditor::copySelection() {
  const QStringList ids = scene_->selectedIds();
  if (ids.isEmpty()) return;
  auto* data = new QMimeData;
  const QString json = document_.copyBlocks(ids);
  data->setData(kFragmentMime, json.toUtf8());
  data->setText(json);  // JSON on the clipboard, readable anywhere
  QApplication::clipboard()->setMimeData(data);
  paste_count_ = 0;
}

void PageEditor::cutSelection() {
  copySelection();
  deleteSelection();
}

void PageEditor::paste() {
  const QMimeData* data = QApplication::clipboard()->mimeData();
  if (!data) return;
  const QString json = data->hasFormat(kFragmentMime) ? QString::fromUtf8(data->data(kFragmentMime)) : data->text();
  QStringList ids;
  ++paste_count_;
  if (document_.paste(json, QPointF(30, 30) * paste_count_, &ids).isEmpty()) scene_->selectIds(ids);
}

void PageEditor::duplicateSelection() {
  const QStringList ids = scene_->selectedIds();
  if (ids.isEmpty()) return;
  QStringList pasted;
  if (document_.paste(document_.copyBlocks(ids), QPointF(30, 30), &pasted).isEmpty()) scene_->selectIds(pasted);
}

void PageEditor::deleteSelection() { document_.removeBlocks(scene_->selectedIds()); }

void PageEditor::selectAll() {
  for (auto* item : scene_->items())
    if (dynamic_cast<BlockItem*>(item)) item->setSelected(true);
}

}  // namespace blockflow::editor
