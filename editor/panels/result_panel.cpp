#include "editor/panels/result_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>
#include <cmath>

#include "editor/document/run_controller.h"
#include "src/io/npy.h"

namespace blockflow::editor {

ResultPanel::ResultPanel(QWidget* parent)
    : QWidget(parent), port_(new QComboBox), stats_(new QLabel), selectors_layout_(new QHBoxLayout),
      table_(new QTableView), model_(new TensorSliceModel(this)), channel_(new QSpinBox), heatmap_label_(new QLabel) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel("Output"));
  top->addWidget(port_, 1);
  auto* save = new QPushButton("Export .npy…");
  top->addWidget(save);
  layout->addLayout(top);
  stats_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(stats_);
  layout->addLayout(selectors_layout_);
  table_->setModel(model_);
  table_->horizontalHeader()->setDefaultSectionSize(64);
  layout->addWidget(table_, 1);
  auto* heat_row = new QHBoxLayout;
  heat_row->addWidget(new QLabel("Heatmap channel"));
  heat_row->addWidget(channel_);
  heat_row->addStretch();
  layout->addLayout(heat_row);
  heatmap_label_->setMinimumHeight(96);
  heatmap_label_->setAlignment(Qt::AlignCenter);
  layout->addWidget(heatmap_label_);
  connect(port_, &QComboBox::currentTextChanged, this, [this] { showTensor(); });
  connect(channel_, qOverload<int>(&QSpinBox::valueChanged), this, [this] { drawHeatmap(); });
  connect(save, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, "Export tensor", block_ + "." + port_->currentText() + ".npy",
                                                      "NumPy arrays (*.npy)");
    if (path.isEmpty()) return;
    const QString error = exportTo(path);
    emit message(error.isEmpty() ? "exported " + path : "error: " + error);
  });
}

void ResultPanel::setSource(RunController* runs) {
  runs_ = runs;
  refresh();
}

void ResultPanel::showBlock(const QString& id, const QStringList& output_ports, bool channels_first) {
  block_ = id;
  channels_first_ = channels_first;
  port_->blockSignals(true);
  port_->clear();
  port_->addItems(output_ports);
  port_->blockSignals(false);
  showTensor();
}

void ResultPanel::refresh() { showTensor(); }

QSpinBox* ResultPanel::selector(int dimension) const {
  return dimension >= 0 && dimension < static_cast<int>(selectors_.size()) ? selectors_[static_cast<std::size_t>(dimension)] : nullptr;
}

void ResultPanel::showTensor() {
  std::optional<Tensor> tensor;
  if (runs_ && !block_.isEmpty() && !port_->currentText().isEmpty()) tensor = runs_->result(block_, port_->currentText());
  if (!tensor) {
    model_->setTensor(Tensor());
    stats_->setText(block_.isEmpty() ? "Select a block to see its results." : "No result yet: run the page (F5).");
    rebuildSelectors();
    drawHeatmap();
    return;
  }
  model_->setTensor(*tensor);
  double low = INFINITY, high = -INFINITY, sum = 0;
  for (std::int64_t i = 0; i < tensor->element_count(); ++i) {
    const double v = tensor->element_as_double(i);
    low = std::min(low, v);
    high = std::max(high, v);
    sum += v;
  }
  const auto count = tensor->element_count();
  stats_->setText(QString("%1 %2   min %3   max %4   mean %5")
                      .arg(QString::fromUtf8(dtype_name(tensor->dtype()).data()), QString::fromStdString(dims_to_string(tensor->dims())))
                      .arg(count ? low : 0, 0, 'g', 7)
                      .arg(count ? high : 0, 0, 'g', 7)
                      .arg(count ? sum / static_cast<double>(count) : 0, 0, 'g', 7));
  rebuildSelectors();
  drawHeatmap();
}

void ResultPanel::rebuildSelectors() {
  for (auto* box : selectors_) box->deleteLater();
  selectors_.clear();
  const Tensor& tensor = model_->tensor();
  for (int d = 0; d < model_->selectorCount(); ++d) {
    auto* box = new QSpinBox;
    box->setPrefix(QString("dim %1: ").arg(d));
    box->setRange(0, static_cast<int>(tensor.dim(d)) - 1);
    connect(box, qOverload<int>(&QSpinBox::valueChanged), this, [this, d](int value) {
      model_->setSelector(d, value);
      drawHeatmap();
    });
    selectors_layout_->addWidget(box);
    selectors_.push_back(box);
  }
}

// One H×W slice of the chosen channel (rank 4: NHWC, or NCHW when the block says so), batch
// from the first selector; lower ranks draw the table's slice.
void ResultPanel::drawHeatmap() {
  const Tensor& t = model_->tensor();
  heatmap_ = QImage();
  if (!t.is_set() || t.element_count() == 0 || t.rank() < 2) {
    heatmap_label_->clear();
    return;
  }
  const bool four = t.rank() == 4;
  const std::int64_t rows = four ? t.dim(channels_first_ ? 2 : 1) : t.dim(t.rank() - 2);
  const std::int64_t cols = four ? t.dim(channels_first_ ? 3 : 2) : t.dim(t.rank() - 1);
  const std::int64_t channels = four ? t.dim(channels_first_ ? 1 : 3) : 1;
  channel_->setRange(0, static_cast<int>(channels - 1));
  const std::int64_t n = selectors_.empty() ? 0 : selectors_[0]->value();
  const std::int64_t c = channel_->value();
  auto at = [&](std::int64_t y, std::int64_t x) -> double {
    if (!four) return model_->valueAt(static_cast<int>(y), static_cast<int>(x));
    const std::int64_t index = channels_first_ ? ((n * channels + c) * rows + y) * cols + x : ((n * rows + y) * cols + x) * channels + c;
    return t.element_as_double(index);
  };
  double low = INFINITY, high = -INFINITY;
  for (std::int64_t y = 0; y < rows; ++y)
    for (std::int64_t x = 0; x < cols; ++x) {
      low = std::min(low, at(y, x));
      high = std::max(high, at(y, x));
    }
  heatmap_ = QImage(static_cast<int>(cols), static_cast<int>(rows), QImage::Format_RGB32);
  for (std::int64_t y = 0; y < rows; ++y)
    for (std::int64_t x = 0; x < cols; ++x) {
      const double unit = high > low ? (at(y, x) - low) / (high - low) : 0.5;
      heatmap_.setPixelColor(static_cast<int>(x), static_cast<int>(y), QColor::fromHsvF(0.66 * (1.0 - unit), 0.85, 0.95));
    }
  heatmap_label_->setPixmap(QPixmap::fromImage(heatmap_.scaled(std::max<int>(96, static_cast<int>(cols) * 8), std::max<int>(96, static_cast<int>(rows) * 8),
                                                               Qt::KeepAspectRatio, Qt::FastTransformation)));
}

QString ResultPanel::exportTo(const QString& path) const {
  if (!model_->hasTensor()) return "no result to export";
  try {
    write_npy(path.toStdString(), model_->tensor());
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace blockflow::editor
