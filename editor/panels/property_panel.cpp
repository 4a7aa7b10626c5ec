#include "editor/panels/property_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "editor/document/page_document.h"
#include "runtime/value_parser.h"

namespace blockflow::editor {

namespace {

void mark(QWidget* editor, const QString& error) {
  editor->setStyleSheet(error.isEmpty() ? QString() : QStringLiteral("background: #5c1f1f; color: white;"));
  editor->setToolTip(error);
  editor->setProperty("invalid", !error.isEmpty());
}

QComboBox* combo(const std::vector<std::string>& choices, const QString& current, bool editable) {
  auto* box = new QComboBox;
  box->setEditable(editable);
  for (const auto& choice : choices) box->addItem(QString::fromStdString(choice));
  if (!current.isEmpty()) box->setCurrentText(current);
  return box;
}

}  // namespace

PropertyPanel::PropertyPanel(QWidget* parent) : QWidget(parent), title_(new QLabel(this)), form_(new QFormLayout) {
  auto* layout = new QVBoxLayout(this);
  title_->setWordWrap(true);
  layout->addWidget(title_);
  layout->addLayout(form_);
  layout->addStretch();
  title_->setText("Select a block to edit its values.");
}

void PropertyPanel::setDocument(PageDocument* document) {
  if (document_) QObject::disconnect(document_, nullptr, this, nullptr);
  document_ = document;
  block_.clear();
  if (document_) connect(document_, &PageDocument::changed, this, &PropertyPanel::scheduleRebuild);
  scheduleRebuild();
}

void PropertyPanel::showBlock(const QString& id) {
  block_ = id;
  scheduleRebuild();
}

void PropertyPanel::scheduleRebuild() {
  if (rebuild_pending_) return;
  rebuild_pending_ = true;
  QTimer::singleShot(0, this, [this] {
    rebuild_pending_ = false;
    rebuild();
  });
}

QWidget* PropertyPanel::editorFor(const QString& key) const {
  auto it = editors_.find(key);
  return it == editors_.end() ? nullptr : it->second;
}

void PropertyPanel::clearForm() {
  while (form_->rowCount() > 0) form_->removeRow(0);
  editors_.clear();
}

void PropertyPanel::rebuild() {
  clearForm();
  const BlockInstance* block = document_ ? document_->page().graph.find_block(block_.toStdString()) : nullptr;
  if (!block) {
    title_->setText("Select a block to edit its values.");
    return;
  }
  const BlockSpec* spec = document_->registry().find(block->type);
  if (!spec) {
    title_->setText(QString("<b>%1</b> — unknown type %2; its values are kept as they are.")
                        .arg(block_, QString::fromStdString(block->type)));
    return;
  }
  title_->setText(QString("<b>%1</b> · %2<br><small>%3</small>")
                      .arg(block_, QString::fromStdString(spec->name), QString::fromStdString(spec->doc)));
  for (const auto& port : spec->ports) {
    if (!port.is_input() || port.kind == PortKind::Tensor) continue;
    QWidget* editor = makeEditor(port);
    editor->setToolTip(QString::fromStdString(port.doc));
    form_->addRow(QString::fromStdString(port.name), editor);
    if (port.kind == PortKind::Attrs) addAttrEditors(port);
  }
}

QWidget* PropertyPanel::makeEditor(const PortSpec& port) {
  const QString name = QString::fromStdString(port.name);
  const QString current = document_->valueText(block_, name);
  const QString shown = current.isEmpty() ? QString::fromStdString(port.default_text) : current;
  if (port.kind == PortKind::Enum || port.kind == PortKind::DTypeName) {
    auto* box = combo(port.kind == PortKind::Enum ? port.choices : dtype_choices(), shown, port.kind == PortKind::DTypeName);
    if (shown.isEmpty()) box->setCurrentIndex(-1);
    connect(box, &QComboBox::textActivated, this, [this, name, box](const QString& text) { apply(name, text, box); });
    editors_[name] = box;
    return box;
  }
  auto* line = new QLineEdit(current);
  line->setPlaceholderText(QString::fromStdString(port.default_text));
  connect(line, &QLineEdit::editingFinished, this, [this, name, line] {
    if (line->isModified()) apply(name, line->text(), line);
  });
  editors_[name] = line;
  if (port.kind != PortKind::String) return line;
  // Const values may name a .npy file: offer a picker, relative to the page's folder.
  auto* row = new QWidget;
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(line);
  auto* pick = new QToolButton;
  pick->setText("…");
  pick->setToolTip("Choose a .npy file");
  layout->addWidget(pick);
  connect(pick, &QToolButton::clicked, this, [this, name, line] {
    const QString folder = QFileInfo(document_->filePath()).absolutePath();
    const QString file = QFileDialog::getOpenFileName(this, "Choose a tensor file", folder, "NumPy arrays (*.npy)");
    if (file.isEmpty()) return;
    const QString relative = document_->filePath().isEmpty() ? file : QDir(folder).relativeFilePath(file);
    line->setText(relative);
    apply(name, relative, line);
  });
  return row;
}

void PropertyPanel::addAttrEditors(const PortSpec& port) {
  const QString port_name = QString::fromStdString(port.name);
  Attrs attrs;
  try {
    attrs = parse_attrs_text(port, document_->valueText(block_, port_name).toStdString());
  } catch (const std::exception&) {
    attrs = parse_attrs_text(port, "");  // the raw field shows the invalid text
  }
  for (const auto& attr : port.attrs) {
    const QString key = port_name + "." + QString::fromStdString(attr.name);
    const QString value = attrs.has(attr.name) ? QString::fromStdString(attr_value_to_text(attrs.all().at(attr.name))) : QString();
    QWidget* editor = nullptr;
    if (attr.kind == AttrKind::Enum || attr.kind == AttrKind::Bool) {
      auto* box = combo(attr.kind == AttrKind::Enum ? attr.choices : std::vector<std::string>{"true", "false"}, value, false);
      connect(box, &QComboBox::textActivated, this, [this, port_name, box, &port] {
        apply(port_name, attrsTextFromFields(port), box);
      });
      editor = box;
    } else {
      auto* line = new QLineEdit(value);
      connect(line, &QLineEdit::editingFinished, this, [this, port_name, line, &port] {
        if (line->isModified()) apply(port_name, attrsTextFromFields(port), line);
      });
      editor = line;
    }
    editor->setToolTip(QString::fromStdString(attr.doc));
    editors_[key] = editor;
    form_->addRow("    " + QString::fromStdString(attr.name) + "_", editor);
  }
}

QString PropertyPanel::attrsTextFromFields(const PortSpec& port) const {
  QStringList pairs;
  for (const auto& attr : port.attrs) {
    QWidget* editor = editorFor(QString::fromStdString(port.name + "." + attr.name));
    QString value;
    if (auto* box = qobject_cast<QComboBox*>(editor)) value = box->currentText();
    if (auto* line = qobject_cast<QLineEdit*>(editor)) value = line->text();
    if (value.isEmpty() || value == QString::fromStdString(attr.default_text)) continue;  // keep pages short
    pairs << QString::fromStdString(attr.name) + "_ = " + value + ";";
  }
  return pairs.join(' ');
}

void PropertyPanel::apply(const QString& port, const QString& text, QWidget* editor) {
  const QString error = document_->setValue(block_, port, text);
  if (!error.isEmpty()) {
    // The document is unchanged, so the form is not rebuilt: the invalid text stays visible.
    mark(editor, error);
    emit message(QString("block '%1' port '%2': %3").arg(block_, port, error));
  }
}

}  // namespace blockflow::editor
