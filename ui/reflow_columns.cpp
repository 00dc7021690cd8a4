#include "ui/reflow_columns.h"

#include <algorithm>

#include <QHBoxLayout>
#include <QResizeEvent>
#include <QVBoxLayout>

namespace ladder::ui {

ReflowColumns::ReflowColumns(QWidget* parent) : QWidget(parent) {
    m_layout = new QHBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
}

void ReflowColumns::addArrangement(Arrangement arrangement) {
    for (const auto& column : arrangement) {
        for (QWidget* group : column) group->setParent(this);
    }
    m_arrangements.push_back(std::move(arrangement));
    std::sort(m_arrangements.begin(), m_arrangements.end(),
              [](const Arrangement& a, const Arrangement& b) { return a.size() < b.size(); });
    m_shown = -1;
    arrangeFor(width());
}

int ReflowColumns::widthWanted(const Arrangement& a, bool minimum) const {
    int total = 0;
    for (const auto& column : a) {
        int widest = 0;
        for (const QWidget* group : column) {
            widest = std::max(widest, minimum ? group->minimumSizeHint().width()
                                              : group->sizeHint().width());
        }
        total += widest;
    }
    const QMargins m = m_layout->contentsMargins();
    return total + m.left() + m.right() +
           m_layout->spacing() * std::max(0, static_cast<int>(a.size()) - 1);
}

QSize ReflowColumns::minimumSizeHint() const {
    if (m_arrangements.empty()) return QWidget::minimumSizeHint();
    const QSize shown = m_layout->minimumSize();
    return {widthWanted(m_arrangements.front(), /*minimum=*/true), shown.height()};
}

QSize ReflowColumns::sizeHint() const {
    if (m_arrangements.empty()) return QWidget::sizeHint();
    return {widthWanted(m_arrangements.back(), /*minimum=*/false), m_layout->sizeHint().height()};
}

void ReflowColumns::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    arrangeFor(event->size().width());
}

void ReflowColumns::arrangeFor(int width) {
    if (m_arrangements.empty()) return;
    std::size_t pick = 0;  // one column when nothing wider fits
    for (std::size_t i = 0; i < m_arrangements.size(); ++i) {
        if (widthWanted(m_arrangements[i], /*minimum=*/false) <= width) pick = i;
    }
    if (static_cast<int>(pick) != m_shown) show(pick);
}

void ReflowColumns::show(std::size_t index) {
    // Takes the groups out of the old columns (the layouts go, the groups stay) and puts them in
    // the new ones.
    while (QLayoutItem* item = m_layout->takeAt(0)) {
        if (QLayout* column = item->layout()) {
            while (QLayoutItem* inner = column->takeAt(0)) delete inner;
        }
        delete item;
    }
    for (const auto& groups : m_arrangements[index]) {
        auto* column = new QVBoxLayout;
        for (QWidget* group : groups) column->addWidget(group);
        column->addStretch();
        m_layout->addLayout(column, 1);
    }
    m_shown = static_cast<int>(index);
    updateGeometry();
}

}  // namespace ladder::ui
