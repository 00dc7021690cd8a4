// Draws a progress bar (the platform style's) in a table cell: the fraction from
// RunsTableModel::ProgressRole, the text from the display role.
#pragma once

#include <QStyledItemDelegate>

namespace ladder::ui {

class ProgressDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace ladder::ui
