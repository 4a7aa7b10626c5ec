#include "editor/panels/palette_widget.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QMimeData>
#include <QVBoxLayout>

#include "editor/canvas/canvas_style.h"
#include "runtime/registry.h"

namespace blockflow::editor {

QMimeData* PaletteWidget::mimeDataFor(const QString& type) {
  auto* data = new QMimeData;
  data->setData(kBlockTypeMime, type.toUtf8());
  data->setText(type);
  return data;
}

QMimeData* PaletteTree::mimeData(const QList<QTreeWidgetItem*>& items) const {
  for (auto* item : items)
    if (item->parent()) return PaletteWidget::mimeDataFor(item->text(0));
  return nullptr;  // categories are not dragged
}

QStringList PaletteTree::mimeTypes() const { return {kBlockTypeMime}; }

PaletteWidget::PaletteWidget(const BlockRegistry& registry, QWidget* parent)
    : QWidget(parent), search_(new QLineEdit(this)), tree_(new PaletteTree(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  search_->setPlaceholderText("Search blocks");
  search_->setClearButtonEnabled(true);
  layout->addWidget(search_);
  layout->addWidget(tree_);
  tree_->setHeaderHidden(true);
  tree_->setDragEnabled(true);
  tree_->setDragDropMode(QAbstractItemView::DragOnly);
  std::map<std::string, QTreeWidgetItem*> categories;
  for (const BlockSpec* spec : registry.all()) {
    auto*& category = categories[spec->category];
    if (!category) {
      category = new QTreeWidgetItem(tree_, {QString::fromStdString(spec->category)});
      category->setFlags(Qt::ItemIsEnabled);
      category->setForeground(0, category_colour(QString::fromStdString(spec->category)).lighter(130));
    }
    auto* item = new QTreeWidgetItem(category, {QString::fromStdString(spec->name)});
    item->setToolTip(0, QString::fromStdString(spec->doc));
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
  }
  tree_->expandAll();
  connect(search_, &QLineEdit::textChanged, this, &PaletteWidget::filter);
  connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    if (item->parent()) emit addRequested(item->text(0));
  });
}

QTreeWidgetItem* PaletteWidget::itemFor(const QString& type) const {
  const auto found = tree_->findItems(type, Qt::MatchExactly | Qt::MatchRecursive);
  return found.isEmpty() ? nullptr : found.front();
}

void PaletteWidget::filter(const QString& text) {
  for (int c = 0; c < tree_->topLevelItemCount(); ++c) {
    auto* category = tree_->topLevelItem(c);
    bool any = false;
    for (int i = 0; i < category->childCount(); ++i) {
      auto* item = category->child(i);
      const bool shown = text.isEmpty() || item->text(0).contains(text, Qt::CaseInsensitive) ||
                         category->text(0).contains(text, Qt::CaseInsensitive);
      item->setHidden(!shown);
      any = any || shown;
    }
    category->setHidden(!any);
  }
}

}  // namespace blockflow::editor
