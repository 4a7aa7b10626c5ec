#pragma once
// A search popup on the canvas (Tab, or double-click on empty space) that adds a block where
// the user asked for it.
#include <QFrame>

class QLineEdit;
class QListWidget;

namespace blockflow {
class BlockRegistry;
}

namespace blockflow::editor {

class QuickAddPopup : public QFrame {
  Q_OBJECT

 public:
  QuickAddPopup(const BlockRegistry& registry, QWidget* parent);
  void popup(QPoint global_position);
  QLineEdit* searchField() const { return search_; }
  QListWidget* list() const { return list_; }

 signals:
  void chosen(const QString& type);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void filter(const QString& text);
  void accept();

  QLineEdit* search_;
  QListWidget* list_;
};

}  // namespace blockflow::editor
