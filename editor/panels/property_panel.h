#pragma once
// Values of the selected block: int lists as text, enums and dtypes as combo boxes, attrs both
// as one field per attr and as enuSpace text, Const values with a file picker. Text that does not
// parse is shown as invalid and not applied.
#include <QWidget>

#include <map>

class QFormLayout;
class QLabel;

namespace blockflow {
struct PortSpec;
}

namespace blockflow::editor {

class PageDocument;

class PropertyPanel : public QWidget {
  Q_OBJECT

 public:
  explicit PropertyPanel(QWidget* parent = nullptr);
  void setDocument(PageDocument* document);
  void showBlock(const QString& id);
  const QString& blockId() const { return block_; }
  // The editor widget of a port (or of one attr, "attrs.data_format"), for tests and shortcuts.
  QWidget* editorFor(const QString& key) const;

 signals:
  void message(const QString& text);

 private:
  // Rebuilding waits for the event loop: an edit may come from a widget the rebuild deletes.
  void scheduleRebuild();
  void rebuild();
  QWidget* makeEditor(const PortSpec& port);
  void addAttrEditors(const PortSpec& port);
  void apply(const QString& port, const QString& text, QWidget* editor);
  QString attrsTextFromFields(const PortSpec& port) const;
  void clearForm();

  PageDocument* document_ = nullptr;
  QString block_;
  QLabel* title_;
  QFormLayout* form_;
  std::map<QString, QWidget*> editors_;
  bool rebuild_pending_ = false;
};

}  // namespace blockflow::editor
