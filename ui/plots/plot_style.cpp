#include "ui/plots/plot_style.h"

#include "ui/qcustomplot_wrapper.h"

namespace ladder::ui {

PlotStyle PlotStyle::fromPalette(const QPalette& palette) {
    PlotStyle s;
    s.background = palette.color(QPalette::Base);
    s.foreground = palette.color(QPalette::Text);
    s.dark = palette.color(QPalette::Window).lightness() < 128;
    if (s.dark) {
        s.grid = QColor(255, 255, 255, 40);
        s.subGrid = QColor(255, 255, 255, 18);
        s.band = QColor(120, 160, 255, 34);
        // Lighter, less saturated hues keep their contrast on a dark background.
        s.series = {QColor("#5aa9f0"), QColor("#ffa24c"), QColor("#6fd66f"), QColor("#ff7070"),
                    QColor("#c0a0f5"), QColor("#d5a98f"), QColor("#f59fd6"), QColor("#c8c8c8"),
                    QColor("#e0e060"), QColor("#5fe0ef")};
    } else {
        s.grid = QColor(0, 0, 0, 38);
        s.subGrid = QColor(0, 0, 0, 15);
        s.band = QColor(40, 90, 200, 26);
        s.series = {QColor("#1f77b4"), QColor("#d9650b"), QColor("#2a9d2a"), QColor("#d62728"),
                    QColor("#8057c2"), QColor("#8c564b"), QColor("#d6479e"), QColor("#6f6f6f"),
                    QColor("#8c8c00"), QColor("#0f8fa3")};
    }
    return s;
}

void PlotStyle::applyTo(QCustomPlot* plot) const {
    plot->setBackground(background);
    for (QCPAxis* axis : plot->axisRect()->axes()) {
        axis->setBasePen(QPen(foreground));
        axis->setTickPen(QPen(foreground));
        axis->setSubTickPen(QPen(foreground));
        axis->setTickLabelColor(foreground);
        axis->setLabelColor(foreground);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setSubGridPen(QPen(subGrid, 1, Qt::DotLine));
        axis->grid()->setZeroLinePen(QPen(grid, 1));
    }
    QColor legendBackground = background;  // lines behind the legend still show through a little
    legendBackground.setAlpha(215);
    plot->legend->setBrush(QBrush(legendBackground));
    plot->legend->setBorderPen(QPen(grid));
    plot->legend->setTextColor(foreground);
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
        if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) {
            title->setTextColor(foreground);
        }
    }
}

}  // namespace ladder::ui
