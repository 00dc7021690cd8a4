#include "ui/flow_layout.h"

#include <algorithm>

#include <QStyle>
#include <QWidget>

namespace ladder::ui {

FlowLayout::FlowLayout(QWidget* parent, int spacing) : QLayout(parent) {
    if (spacing >= 0) setSpacing(spacing);
}

FlowLayout::~FlowLayout() {
    while (QLayoutItem* item = takeAt(0)) delete item;
}

void FlowLayout::addItem(QLayoutItem* item) {
    m_items.append(item);
    m_keepWithNext.append(false);
}

void FlowLayout::addPair(QWidget* label, QWidget* field) {
    addWidget(label);
    m_keepWithNext.last() = true;
    addWidget(field);
}

QLayoutItem* FlowLayout::takeAt(int index) {
    if (index < 0 || index >= m_items.size()) return nullptr;
    m_keepWithNext.removeAt(index);
    return m_items.takeAt(index);
}

int FlowLayout::gap() const {
    if (spacing() >= 0) return spacing();
    const QWidget* w = parentWidget();
    return w ? w->style()->pixelMetric(QStyle::PM_LayoutHorizontalSpacing, nullptr, w) : 6;
}

int FlowLayout::heightForWidth(int width) const { return arrange(QRect(0, 0, width, 0), true); }

QSize FlowLayout::minimumSize() const {
    // As narrow as its widest label-and-field pair: everything else wraps.
    QSize size;
    int run = 0;
    for (int i = 0; i < m_items.size(); ++i) {
        if (m_items[i]->isEmpty()) continue;
        run += m_items[i]->minimumSize().width() + (run > 0 ? gap() : 0);
        if (!m_keepWithNext[i]) {
            size.setWidth(std::max(size.width(), run));
            run = 0;
        }
        size.setHeight(std::max(size.height(), m_items[i]->minimumSize().height()));
    }
    size.setWidth(std::max(size.width(), run));
    const QMargins m = contentsMargins();
    return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const {
    // Everything on one line.
    int width = 0, height = 0;
    for (const QLayoutItem* item : m_items) {
        if (item->isEmpty()) continue;
        width += item->sizeHint().width() + (width > 0 ? gap() : 0);
        height = std::max(height, item->sizeHint().height());
    }
    const QMargins m = contentsMargins();
    return {width + m.left() + m.right(), height + m.top() + m.bottom()};
}

void FlowLayout::setGeometry(const QRect& rect) {
    QLayout::setGeometry(rect);
    arrange(rect, false);
}

int FlowLayout::arrange(const QRect& rect, bool dryRun) const {
    const QRect area = rect.marginsRemoved(contentsMargins());
    struct Placed {
        QLayoutItem* item;
        QRect box;
        int line;
    };
    QList<Placed> placed;
    QList<int> lineHeights{0};
    int x = area.x();
    for (int i = 0; i < m_items.size(); ++i) {
        if (m_items[i]->isEmpty()) continue;
        // A label wraps together with its field: the width of the pair decides.
        int width = m_items[i]->sizeHint().width();
        for (int j = i; m_keepWithNext[j] && j + 1 < m_items.size(); ++j) {
            width += gap() + m_items[j + 1]->sizeHint().width();
        }
        const bool pairTail = i > 0 && m_keepWithNext[i - 1];
        if (!pairTail && x > area.x() && x + width > area.right() + 1) {
            x = area.x();
            lineHeights.append(0);
        }
        QSize size = m_items[i]->sizeHint();
        size.setWidth(std::min(size.width(), std::max(m_items[i]->minimumSize().width(),
                                                      area.right() + 1 - x)));
        placed.append({m_items[i], QRect(QPoint(x, 0), size), static_cast<int>(lineHeights.size()) - 1});
        lineHeights.last() = std::max(lineHeights.last(), size.height());
        x += size.width() + gap();
    }
    // Each line's items centred on it, so that a label sits level with its combo box.
    QList<int> lineTops;
    int y = area.y();
    for (int h : lineHeights) {
        lineTops.append(y);
        y += h + gap();
    }
    if (!dryRun) {
        for (const Placed& p : placed) {
            const int top = lineTops[p.line] + (lineHeights[p.line] - p.box.height()) / 2;
            p.item->setGeometry(QRect(QPoint(p.box.x(), top), p.box.size()));
        }
    }
    const int used = y - gap() - area.y();
    const QMargins m = contentsMargins();
    return std::max(0, used) + m.top() + m.bottom();
}

}  // namespace ladder::ui
