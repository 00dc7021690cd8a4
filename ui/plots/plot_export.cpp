#include "ui/plots/plot_export.h"

#include <cmath>

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextStream>

#include "ui/plots/metric_plot.h"

namespace ladder::ui {

namespace {

QSize gridSize(int count, int columns, QSize cell) {
    const int rows = (count + columns - 1) / columns;
    return {cell.width() * std::min(count, columns), cell.height() * rows};
}

// Draws every plot into its cell. QCustomPlot::toPainter lays a plot out for the size it is given,
// so a cell need not match the widget on screen.
void paintGrid(QCPPainter& painter, const QList<QCustomPlot*>& plots, int columns, QSize cell) {
    for (int i = 0; i < plots.size(); ++i) {
        painter.save();
        painter.translate((i % columns) * cell.width(), (i / columns) * cell.height());
        plots[i]->toPainter(&painter, cell.width(), cell.height());
        painter.restore();
    }
}

QString csvField(const QString& s) {
    if (!s.contains(',') && !s.contains('"') && !s.contains('\n')) return s;
    QString quoted = s;
    quoted.replace('"', "\"\"");
    return '"' + quoted + '"';
}

}  // namespace

QString plotExportFilter() {
    return QObject::tr(
        "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf);;"
        "CSV values (*.csv)");
}

bool exportPlots(const QList<MetricPlot*>& plots, const QString& path, int columns, QSize cell,
                 QString* error) {
    return exportCharts(QList<QCustomPlot*>(plots.begin(), plots.end()), path, columns, cell,
                        error);
}

bool exportCharts(const QList<QCustomPlot*>& plots, const QString& path, int columns, QSize cell,
                  QString* error) {
    if (plots.isEmpty()) {
        if (error) *error = QObject::tr("there is no chart to export");
        return false;
    }
    columns = std::max(1, columns);
    const QSize size = gridSize(static_cast<int>(plots.size()), columns, cell);
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (suffix == "png") {
        QImage image(size * 2, QImage::Format_ARGB32_Premultiplied);  // twice the pixels: crisp
        image.fill(Qt::transparent);  // each plot paints its own background
        {
            QCPPainter painter(&image);
            painter.scale(2, 2);
            paintGrid(painter, plots, columns, cell);
        }
        ok = image.save(path, "PNG");
    } else if (suffix == "svg") {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(QObject::tr("Ladder charts"));
        QCPPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            paintGrid(painter, plots, columns, cell);
            ok = painter.end();
        }
    } else if (suffix == "pdf") {
        QPdfWriter pdf(path);
        pdf.setResolution(72);  // one pixel of the cell = one point
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setCreator("Ladder");
        QCPPainter painter;
        ok = painter.begin(&pdf);
        if (ok) {
            paintGrid(painter, plots, columns, cell);
            ok = painter.end();
        }
    } else {
        if (error)
            *error = QObject::tr("unknown picture type '%1': use .png, .svg or .pdf").arg(suffix);
        return false;
    }
    if (!ok && error)
        *error = QObject::tr("cannot write %1: check the folder exists and is writable").arg(path);
    return ok;
}

bool exportCsv(const QList<MetricPlot*>& plots, const QString& path, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error) *error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    QTextStream out(&file);
    out << "plot,series,step,value\n";
    for (MetricPlot* plot : plots) {
        for (const QString& name : plot->seriesNames()) {
            const auto data = plot->rawData(name);
            const QString label = plot->line(name)->name();
            const QString prefix = csvField(plot->title()) + ',' + csvField(label) + ',';
            for (auto it = data->constBegin(); it != data->constEnd(); ++it) {
                out << prefix << QString::number(it->key, 'g', 12) << ','
                    << (std::isnan(it->value) ? QString() : QString::number(it->value, 'g', 10))
                    << '\n';
            }
        }
    }
    out.flush();
    if (!file.commit()) {
        if (error) *error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool exportPlotsByName(const QList<MetricPlot*>& plots, const QString& path, int columns,
                       QSize cell, QString* error) {
    if (QFileInfo(path).suffix().compare("csv", Qt::CaseInsensitive) == 0) {
        return exportCsv(plots, path, error);
    }
    return exportPlots(plots, path, columns, cell, error);
}

}  // namespace ladder::ui
