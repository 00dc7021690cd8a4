// Plot colours that read on the window's palette: light or dark, decided from the lightness of the
// palette's window colour (Qt 6.4 on Linux follows the platform theme through the palette).
#pragma once

#include <QColor>
#include <QPalette>
#include <QVector>

class QCustomPlot;

namespace ladder::ui {

struct PlotStyle {
    bool dark = false;
    QColor background;
    QColor foreground;  // axes, ticks, labels
    QColor grid;
    QColor subGrid;
    QColor band;        // curriculum stage bands (alternating with transparent)
    QVector<QColor> series;

    [[nodiscard]] static PlotStyle fromPalette(const QPalette& palette);
    [[nodiscard]] QColor seriesColor(int index) const { return series[index % series.size()]; }
    // Axes, grid, background and legend of a plot (not its graphs).
    void applyTo(QCustomPlot* plot) const;
};

}  // namespace ladder::ui
