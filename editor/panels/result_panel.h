#pragma once
// Results of the selected block after a run: dtype, shape, min / max / mean, a table of a 2-D
// slice with index selectors for the other dimensions, a heatmap of one H×W slice per channel,
// and export to .npy.
#include <QWidget>

#include "editor/panels/tensor_slice_model.h"

class QComboBox;
class QLabel;
class QSpinBox;
class QTableView;
class QHBoxLayout;

namespace blockflow::editor {

class RunController;

class ResultPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ResultPanel(QWidget* parent = nullptr);
  void setSource(RunController* runs);
  void showBlock(const QString& id, const QStringList& output_ports, bool channels_first);
  void refresh();
  TensorSliceModel* model() const { return model_; }
  QSpinBox* selector(int dimension) const;
  QLabel* statistics() const { return stats_; }
  QImage heatmap() const { return heatmap_; }
  QString exportTo(const QString& path) const;  // error text, empty on success

 signals:
  void message(const QString& text);

 private:
  void showTensor();
  void rebuildSelectors();
  void drawHeatmap();

  RunController* runs_ = nullptr;
  QString block_;
  bool channels_first_ = false;
  QComboBox* port_;
  QLabel* stats_;
  QHBoxLayout* selectors_layout_;
  std::vector<QSpinBox*> selectors_;
  QTableView* table_;
  TensorSliceModel* model_;
  QSpinBox* channel_;
  QLabel* heatmap_label_;
  QImage heatmap_;
};

}  // namespace blockflow::editor
