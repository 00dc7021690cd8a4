// One chart of the run panes: training metrics over steps as lines (eval/... dashed with markers,
// and every line with markers while it has few points, so that a single point shows), standard-
// error bars where a series has them (the win rate), EMA smoothing with the raw values kept
// faintly behind, curriculum stages as labelled bands, log-y, zoom and pan with the mouse
// (double-click fits again), a legend below the chart (never over the lines; it can be hidden),
// and a tracer with a tooltip of the exact values under the mouse. Points are appended, never
// re-set, so a live run costs only what it adds; adaptive sampling keeps 100,000-point lines
// cheap to draw.
#pragma once

#include <QHash>
#include <QPoint>
#include <QMap>
#include <QtNumeric>
#include <QSharedPointer>
#include <QString>
#include <QStringList>
#include <QVector>

#include "ui/plots/plot_style.h"
#include "ui/qcustomplot_wrapper.h"

namespace ladder::ui {

struct StageBand {
    double start = 0;  // first step of the stage
    double end = 0;    // its last step so far
    QString label;     // "1 easy"
    bool operator==(const StageBand& o) const {
        return start == o.start && end == o.end && label == o.label;
    }
};

// An alert of the run (core/train/run_alerts.h) at a step: a dashed line across the chart and its
// title at the top.
struct PlotMark {
    double step = 0;
    QString label;  // "Likelihood displacement"
    bool operator==(const PlotMark& o) const { return step == o.step && label == o.label; }
};

class MetricPlot final : public QCustomPlot {
    Q_OBJECT
public:
    explicit MetricPlot(const QString& title, QWidget* parent = nullptr);
    ~MetricPlot() override;

    [[nodiscard]] QString title() const { return m_title; }

    // Appends points (keys ascending, after the series' last key) to a series, creating its line
    // on first use. A label overrides the legend text (comparison: the run and its settings).
    void addPoints(const QString& series, const QVector<double>& steps, const QVector<double>& values);
    void setSeriesLabel(const QString& series, const QString& label);
    // ± error bars (a standard error) on a series' points at these steps; the axes fit around
    // them, so noise does not pass for a trend.
    void setErrors(const QString& series, const QVector<double>& steps, const QVector<double>& errors);
    // A line with at most this many points shows each point as a marker.
    static constexpr int kMarkersUpTo = 40;
    [[nodiscard]] bool hasMarkers(const QString& series) const;
    // The legend (below the chart, when there are two series or more); off hides it.
    void setLegendShown(bool on);
    // The chart is never shorter than kMinimumHeight. Where it can grow (a pane of charts that
    // scrolls down), it asks for the height that leaves its plot area kMinimumPlotHeight beside
    // its title, axes and legend: a tall legend makes the chart taller instead of squeezing the
    // lines flat.
    static constexpr int kMinimumHeight = 220;
    static constexpr int kMinimumPlotHeight = 130;
    void setGrowsForLegend(bool on);
    [[nodiscard]] bool legendShown() const { return m_legendShown; }
    // Drops the points at step >= `step` (a resumed run redoes the steps after its checkpoint).
    void truncateFrom(const QString& series, double step);
    void clearSeries();

    [[nodiscard]] QStringList seriesNames() const { return m_order; }
    [[nodiscard]] int pointCount(const QString& series) const;
    [[nodiscard]] double lastStep(const QString& series) const;  // -1 when empty
    // The raw (unsmoothed) points of a series, for CSV export.
    [[nodiscard]] QSharedPointer<QCPGraphDataContainer> rawData(const QString& series) const;
    [[nodiscard]] QCPGraph* line(const QString& series) const;

    // 0 = off; 0.99 = heavy. Debiased EMA (as TensorBoard draws it).
    void setSmoothing(double weight);
    [[nodiscard]] double smoothing() const { return m_smoothing; }
    void setLogY(bool on);
    [[nodiscard]] bool logY() const { return m_logY; }
    void setStages(const QVector<StageBand>& bands);
    void setMarks(const QVector<PlotMark>& marks);
    [[nodiscard]] const QVector<PlotMark>& marks() const { return m_marks; }
    [[nodiscard]] int stageCount() const { return m_bands.size(); }

    // Rescales to the data and follows new points again (after a zoom or a pan stopped that).
    void fitToData();
    [[nodiscard]] bool followsData() const { return m_follow; }
    // Rescales when following, then queues a replot: call once per batch of new points.
    void refresh();

    // A click (no drag) in the chart: the step under the mouse (the pairs behind it: LivePlotsPane).
    Q_SIGNAL void stepClicked(double step);
    // The values of every series at the step nearest `step` ("step 120\nloss 0.4123 ..."), as the
    // hover tooltip shows them; empty when there is no data.
    [[nodiscard]] QString valuesAt(double step) const;

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    // The keys and finite values a series spans, kept up to date as points arrive, so that
    // following a live run does not scan every point of every line at each refresh (what
    // QCustomPlot's rescaleAxes does: about 3 ms for a million points).
    struct Extent {
        double keyLo = qInf(), keyHi = -qInf();
        double lo = qInf(), hi = -qInf();        // every finite value
        double posLo = qInf(), posHi = -qInf();  // the positive ones, for a log axis
        void add(double key, double value);
        void merge(const Extent& other);
        [[nodiscard]] bool empty() const { return keyLo > keyHi; }
    };
    struct Series {
        QSharedPointer<QCPGraphDataContainer> raw;  // what was recorded
        QCPGraph* line = nullptr;                   // raw, or smoothed when smoothing is on
        QCPGraph* faint = nullptr;                  // the raw values behind a smoothed line
        double ema = 0;                             // running EMA (biased) and its weight sum
        double emaNorm = 0;
        int colorIndex = 0;
        Extent extent;        // of the raw points
        Extent smoothExtent;  // of the smoothed line (inside the raw one, except its positive part)
        QMap<double, double> errors;  // step -> standard error
        QCPErrorBars* bars = nullptr;
        Extent errorExtent;           // of value ± error
        bool markers = false;
    };
    // Fits the axes to the series' kept extents (what QCustomPlot's rescaleAxes finds by a scan),
    // with a margin above and below the lines.
    void fitAxes();
    // Puts the legend in its row below the chart (or takes it out when hidden or not needed).
    void placeLegend();
    // Lays the legend's items out in as many columns as the chart's width takes; true when that
    // changed (the layout is then done again).
    bool wrapLegend();
    // Sets the minimum height that keeps the plot area kMinimumPlotHeight high after a layout.
    void keepPlotHeight();
    // A line's markers: with few points (or eval/...), circles; else none.
    void updateMarkers(const QString& name, Series& s, bool force = false);
    void updateErrorBars(Series& s);
    // The axes while there is nothing to show: a plain 0-1 frame without numbers, not the
    // previous run's.
    void showEmptyAxes(bool empty);
    Series& ensureSeries(const QString& name);
    void styleSeries(const QString& name, Series& s);
    void resmooth(Series& s);
    void applyStyle();
    void rebuildBands();
    void rebuildMarks();
    void updateHover(const QPoint& pos);

    QString m_title;
    QHash<QString, Series> m_series;
    QStringList m_order;
    PlotStyle m_style;
    double m_smoothing = 0;
    bool m_logY = false;
    bool m_follow = true;
    QVector<StageBand> m_bands;
    QList<QCPAbstractItem*> m_bandItems;
    QVector<PlotMark> m_marks;
    QList<QCPAbstractItem*> m_markItems;
    QCPItemTracer* m_tracer = nullptr;
    QCPItemText* m_emptyText = nullptr;  // "no points yet" while the chart has no series
    bool m_styling = false;
    bool m_legendShown = true;
    bool m_growsForLegend = false;
    bool m_heightQueued = false;  // keepPlotHeight() is posted, to run after the layout
    bool m_pressed = false;  // a button is down on the chart: a drag stops the following
    QPoint m_pressAt;  // where the last press was: a release there is a click
};

}  // namespace ladder::ui
