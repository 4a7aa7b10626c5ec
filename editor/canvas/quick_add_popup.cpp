#include "editor/canvas/quick_add_popup.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

#include "runtime/registry.h"

namespace blockflow::editor {

QuickAddPopup::QuickAddPopup(const BlockRegistry& registry, QWidget* parent)
    : QFrame(parent, Qt::Popup), search_(new QLineEdit(this)), list_(new QListWidget(this)) {
  setFrameShape(QFrame::StyledPanel);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  search_->setPlaceholderText("Add block…");
  layout->addWidget(search_);
  layout->addWidget(list_);
  for (const BlockSpec* spec : registry.all()) {
    auto* item = new QListWidgetItem(QString::fromStdString(spec->name), list_);
    item->setToolTip(QString::fromStdString(spec->doc));
    item->setData(Qt::UserRole, QString::fromStdString(spec->category));
  }
  resize(260, 300);
  connect(search_, &QLineEdit::textChanged, this, &QuickAddPopup::filter);
  connect(search_, &QLineEdit::returnPressed, this, &QuickAddPopup::accept);
  connect(list_, &QListWidget::itemActivated, this, &QuickAddPopup::accept);
  search_->installEventFilter(this);
}

void QuickAddPopup::popup(QPoint global_position) {
  search_->clear();
  filter({});
  move(global_position);
  show();
  search_->setFocus();
}

void QuickAddPopup::filter(const QString& text) {
  QListWidgetItem* first = nullptr;
  for (int i = 0; i < list_->count(); ++i) {
    auto* item = list_->item(i);
    const bool shown = item->text().contains(text, Qt::CaseInsensitive) ||
                       item->data(Qt::UserRole).toString().contains(text, Qt::CaseInsensitive);
    item->setHidden(!shown);
    if (shown && !first) first = item;
  }
  list_->setCurrentItem(first);
}

void QuickAddPopup::accept() {
  if (auto* item = list_->currentItem(); item && !item->isHidden()) emit chosen(item->text());
  hide();
}

bool QuickAddPopup::eventFilter(QObject* watched, QEvent* event) {
  // Arrow keys in the search field move through the list.
  if (watched == search_ && event->type() == QEvent::KeyPress) {
    const int key = static_cast<QKeyEvent*>(event)->key();
    if (key == Qt::Key_Down || key == Qt::Key_Up) {
      int row = list_->currentRow();
      do {
        row += key == Qt::Key_Down ? 1 : -1;
      } while (row >= 0 && row < list_->count() && list_->item(row)->isHidden());
      if (row >= 0 && row < list_->count()) list_->setCurrentRow(row);
      return true;
    }
  }
  return QFrame::eventFilter(watched, event);
}

}  // namespace blockflow::editor
