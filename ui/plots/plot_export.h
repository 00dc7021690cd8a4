// Saving charts: several plots laid out in a grid as one PNG, SVG or PDF (chosen by the file's
// suffix), and their raw series as CSV (metric,step,value; one row per point).
#pragma once

#include <QList>
#include <QSize>
#include <QString>

class QCustomPlot;

namespace ladder::ui {

class MetricPlot;

// The file dialog's filter for exportPlots and exportCsv.
[[nodiscard]] QString plotExportFilter();

// Each plot is drawn at `cell` size (pixels; points in a PDF) in `columns` columns. Returns false
// with *error set when the file cannot be written or the suffix is unknown.
bool exportPlots(const QList<MetricPlot*>& plots, const QString& path, int columns, QSize cell,
                 QString* error);
// The same for any charts (the Studies pane's bars).
bool exportCharts(const QList<QCustomPlot*>& plots, const QString& path, int columns, QSize cell,
                  QString* error);

// Rows "plot,series,step,value" of every series; a series label (the run) goes in `series`.
bool exportCsv(const QList<MetricPlot*>& plots, const QString& path, QString* error);

// exportCsv for .csv paths, exportPlots for the rest.
bool exportPlotsByName(const QList<MetricPlot*>& plots, const QString& path, int columns,
                       QSize cell, QString* error);

}  // namespace ladder::ui
