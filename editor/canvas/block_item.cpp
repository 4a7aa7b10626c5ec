#include "editor/canvas/block_item.h"

#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include "editor/canvas/canvas_style.h"

namespace blockflow::editor {

BlockItem::BlockItem(QString id, const BlockSpec* spec, QString type_name)
    : id_(std::move(id)), spec_(spec), type_name_(std::move(type_name)) {
  setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
  setAcceptHoverEvents(true);
  layoutPorts();
}

void BlockItem::layoutPorts() {
  if (!spec_) return;
  int inputs = 0, outputs = 0;
  for (const auto& port : spec_->ports) {
    const bool in = port.is_input();
    const int row = in ? inputs++ : outputs++;
    slots_.push_back({&port, QPointF(in ? 0.0 : kBlockWidth, kTitleHeight + (row + 0.5) * kPortRowHeight)});
  }
  rows_ = std::max(inputs, outputs);
}

double BlockItem::height() const { return kTitleHeight + std::max(rows_, 1) * kPortRowHeight + 8.0; }

QRectF BlockItem::boundingRect() const {
  return QRectF(-kPortRadius - 2, -18, kBlockWidth + 2 * kPortRadius + 4, height() + 20);
}

void BlockItem::setProblems(const QStringList& problems) {
  problems_ = problems;
  setToolTip(problems.isEmpty() ? QString() : problems.join('\n'));
  update();
}

void BlockItem::setRunState(const std::optional<BlockRunState>& state) {
  run_state_ = state;
  update();
}

void BlockItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
  painter->setRenderHint(QPainter::Antialiasing);
  const QRectF body(0, 0, kBlockWidth, height());
  const QColor colour = spec_ ? category_colour(QString::fromStdString(spec_->category)) : QColor(0x70, 0x70, 0x70);
  QPen outline(isSelected() ? QColor(0xff, 0xd5, 0x4f) : QColor(0x20, 0x20, 0x20), isSelected() ? 2.5 : 1.2);
  if (!problems_.isEmpty()) outline = QPen(QColor(0xe5, 0x39, 0x35), 3.0);
  painter->setPen(outline);
  painter->setBrush(QColor(0x33, 0x36, 0x3b));
  painter->drawRoundedRect(body, 6, 6);
  QPainterPath title_bar;
  title_bar.addRoundedRect(QRectF(0, 0, kBlockWidth, kTitleHeight), 6, 6);
  painter->fillPath(title_bar, colour);
  painter->setPen(Qt::white);
  QFont font = painter->font();
  font.setBold(true);
  painter->setFont(font);
  const QString title = id_ + "  ·  " + (spec_ ? type_name_ : type_name_ + " (unknown)");
  painter->drawText(QRectF(8, 0, kBlockWidth - 16, kTitleHeight), Qt::AlignVCenter | Qt::AlignLeft,
                    QFontMetrics(font).elidedText(title, Qt::ElideRight, static_cast<int>(kBlockWidth - 16)));
  font.setBold(false);
  painter->setFont(font);
  for (const auto& slot : slots_) {
    painter->setPen(QPen(Qt::black, 1));
    painter->setBrush(port_colour(slot.spec->kind));
    painter->drawPath(port_shape(slot.spec->kind, slot.centre, kPortRadius));
    painter->setPen(QColor(0xe0, 0xe0, 0xe0));
    const bool in = slot.spec->is_input();
    const QRectF text_box(in ? 12 : kBlockWidth / 2, slot.centre.y() - kPortRowHeight / 2, kBlockWidth / 2 - 12, kPortRowHeight);
    painter->drawText(text_box, Qt::AlignVCenter | (in ? Qt::AlignLeft : Qt::AlignRight), QString::fromStdString(slot.spec->name));
  }
  if (run_state_) {
    QString badge = QString::fromUtf8(block_status_name(run_state_->status).data());
    if (run_state_->status == BlockStatus::Done)
      badge = run_state_->reused ? "reused" : QString::number(run_state_->seconds * 1e3, 'f', 2) + " ms";
    const QRectF badge_box(kBlockWidth - 92, -17, 90, 15);
    painter->setPen(Qt::NoPen);
    painter->setBrush(status_colour(run_state_->status));
    painter->drawRoundedRect(badge_box, 6, 6);
    painter->setPen(Qt::white);
    painter->drawText(badge_box, Qt::AlignCenter, badge);
  }
}

QPointF BlockItem::portScenePos(const QString& port) const {
  for (const auto& slot : slots_)
    if (QString::fromStdString(slot.spec->name) == port) return mapToScene(slot.centre);
  return mapToScene(QPointF(0, 0));
}

std::optional<PortHit> BlockItem::portAt(QPointF scene_pos) const {
  const QPointF local = mapFromScene(scene_pos);
  for (const auto& slot : slots_) {
    if (QLineF(local, slot.centre).length() <= kPortRadius + 4)
      return PortHit{QString::fromStdString(slot.spec->name), slot.spec->direction};
  }
  return std::nullopt;
}

}  // namespace blockflow::editor
