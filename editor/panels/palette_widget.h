#pragma once
// The block palette: categories and a search box. Dragging a block out starts a real drag with
// the block-type MIME type; double-clicking asks for it to be added at the view's centre.
#include <QTreeWidget>
#include <QWidget>

class QLineEdit;
class QMimeData;

namespace blockflow {
class BlockRegistry;
}

namespace blockflow::editor {

class PaletteTree : public QTreeWidget {
 public:
  using QTreeWidget::QTreeWidget;

 protected:
  QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override;
  QStringList mimeTypes() const override;
};

class PaletteWidget : public QWidget {
  Q_OBJECT

 public:
  PaletteWidget(const BlockRegistry& registry, QWidget* parent = nullptr);
  QLineEdit* searchField() const { return search_; }
  QTreeWidget* tree() const { return tree_; }
  QTreeWidgetItem* itemFor(const QString& type) const;
  // The MIME data a drag of this block type carries.
  static QMimeData* mimeDataFor(const QString& type);

 signals:
  void addRequested(const QString& type);

 private:
  void filter(const QString& text);
  QLineEdit* search_;
  PaletteTree* tree_;
};

}  // namespace blockflow::editor
