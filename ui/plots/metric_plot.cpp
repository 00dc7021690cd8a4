#include "ui/plots/metric_plot.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <QToolTip>

namespace ladder::ui {

namespace {

bool isEval(const QString& name) { return name.startsWith("eval/"); }

// The index of the point nearest `key`, or -1.
int nearestIndex(const QCPGraphDataContainer& data, double key) {
    if (data.isEmpty()) return -1;
    auto it = data.findBegin(key, /*expandedRange=*/true);
    int best = static_cast<int>(it - data.constBegin());
    if (it + 1 != data.constEnd() && std::abs((it + 1)->key - key) < std::abs(it->key - key)) ++best;
    return best;
}

QString number(double v) {
    if (std::isnan(v)) return QStringLiteral("NaN");
    return QString::number(v, 'g', 5);
}

}  // namespace

MetricPlot::MetricPlot(const QString& title, QWidget* parent) : QCustomPlot(parent), m_title(title) {
    setObjectName("plot_" + title);
    setMinimumSize(320, kMinimumHeight);
    plotLayout()->insertRow(0);
    QFont titleFont = font();
    titleFont.setBold(true);
    plotLayout()->addElement(0, 0, new QCPTextElement(this, title, titleFont));
    xAxis->setLabel(tr("step"));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    xAxis->setTickLabelFont(small);
    yAxis->setTickLabelFont(small);
    xAxis->setLabelFont(small);
    legend->setFont(small);
    legend->setRowSpacing(0);
    legend->setColumnSpacing(12);
    // The legend gets a row of its own below the chart (placeLegend): inside, it covered lines.
    axisRect()->insetLayout()->take(legend);
    legend->setVisible(false);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setNoAntialiasingOnDrag(true);
    m_tracer = new QCPItemTracer(this);
    m_tracer->setStyle(QCPItemTracer::tsCircle);
    m_tracer->setSize(8);
    m_tracer->setLayer("overlay");
    m_tracer->setVisible(false);
    m_emptyText = new QCPItemText(this);
    m_emptyText->setLayer("overlay");
    m_emptyText->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_emptyText->position->setCoords(0.5, 0.5);
    m_emptyText->setText(tr("no points yet"));
    m_style = PlotStyle::fromPalette(palette());
    applyStyle();
    showEmptyAxes(true);
    // After each layout (the chart's width known), the legend's items are put in as many
    // columns as fit; when that changes the layout is done again before anything is drawn. Then
    // the chart asks for the height its legend leaves the plot.
    connect(this, &QCustomPlot::afterLayout, this, [this] {
        if (wrapLegend()) updateLayout();
        // Not from inside the layout: a larger minimum resizes the chart at once, and the replot
        // under way would keep the old viewport (the chart drawn squeezed in its new height).
        if (m_growsForLegend && !m_heightQueued) {
            m_heightQueued = true;
            QMetaObject::invokeMethod(this, [this] {
                m_heightQueued = false;
                keepPlotHeight();
            }, Qt::QueuedConnection);
        }
    });
}

MetricPlot::~MetricPlot() = default;

MetricPlot::Series& MetricPlot::ensureSeries(const QString& name) {
    auto it = m_series.find(name);
    if (it != m_series.end()) return *it;
    Series s;
    s.raw = QSharedPointer<QCPGraphDataContainer>::create();
    s.colorIndex = m_order.size();
    s.faint = addGraph();
    s.faint->setData(s.raw);
    s.faint->removeFromLegend();
    s.line = addGraph();
    s.line->setName(name);
    m_order << name;
    it = m_series.insert(name, s);
    styleSeries(name, *it);
    resmooth(*it);
    placeLegend();
    if (m_order.size() == 1) showEmptyAxes(false);
    return *it;
}

void MetricPlot::styleSeries(const QString& name, Series& s) {
    const QColor color = m_style.seriesColor(s.colorIndex);
    // One pixel wide: Qt strokes wider pens through its path stroker, about 200 times slower on
    // a noisy line (10 series of 100k points: seconds per replot instead of milliseconds).
    QPen pen(color, 1.0);
    if (isEval(name)) pen.setStyle(Qt::DashLine);
    s.line->setPen(pen);
    QColor faint = color;
    faint.setAlpha(m_style.dark ? 70 : 55);
    s.faint->setPen(QPen(faint, 1.0));
    if (s.bars) s.bars->setPen(QPen(color, 1.0));
    updateMarkers(name, s, /*force=*/true);  // in this palette's colours
}

void MetricPlot::updateMarkers(const QString& name, Series& s, bool force) {
    const bool want = isEval(name) || s.raw->size() <= kMarkersUpTo;
    if (want == s.markers && !force) return;
    s.markers = want;
    const QColor color = m_style.seriesColor(s.colorIndex);
    s.line->setScatterStyle(want ? QCPScatterStyle(QCPScatterStyle::ssCircle, color,
                                                   isEval(name) ? m_style.background : color, 6)
                                 : QCPScatterStyle());
}

bool MetricPlot::hasMarkers(const QString& name) const {
    auto it = m_series.find(name);
    return it != m_series.end() && it->line->scatterStyle().shape() != QCPScatterStyle::ssNone;
}

void MetricPlot::setErrors(const QString& name, const QVector<double>& steps,
                           const QVector<double>& errors) {
    Series& s = ensureSeries(name);
    for (int i = 0; i < steps.size() && i < errors.size(); ++i) {
        if (std::isfinite(errors[i]) && errors[i] >= 0) s.errors[steps[i]] = errors[i];
    }
    updateErrorBars(s);
}

void MetricPlot::updateErrorBars(Series& s) {
    s.errorExtent = {};
    if (s.errors.isEmpty()) return;
    if (!s.bars) {
        s.bars = new QCPErrorBars(xAxis, yAxis);
        s.bars->removeFromLegend();
        s.bars->setErrorType(QCPErrorBars::etValueError);
        s.bars->setWhiskerWidth(6);
        s.bars->setPen(QPen(m_style.seriesColor(s.colorIndex), 1.0));
    }
    // Bars sit on the drawn line's points, index by index.
    s.bars->setDataPlottable(s.line);
    QVector<double> bars;  // symmetric: ± the standard error
    bars.reserve(s.line->data()->size());
    for (auto p = s.line->data()->constBegin(); p != s.line->data()->constEnd(); ++p) {
        const double e = s.errors.value(p->key, 0.0);
        bars.append(e);
        if (e > 0) {
            s.errorExtent.add(p->key, p->value - e);
            s.errorExtent.add(p->key, p->value + e);
        }
    }
    s.bars->setData(bars);
}

void MetricPlot::addPoints(const QString& name, const QVector<double>& steps,
                           const QVector<double>& values) {
    if (steps.isEmpty()) return;
    Series& s = ensureSeries(name);
    QVector<QCPGraphData> points;
    points.reserve(steps.size());
    for (int i = 0; i < steps.size(); ++i) points.append(QCPGraphData(steps[i], values[i]));
    s.raw->add(points, /*alreadySorted=*/true);
    for (const auto& p : points) s.extent.add(p.key, p.value);
    updateMarkers(name, s);
    if (m_smoothing <= 0) {  // the line shows raw itself
        if (!s.errors.isEmpty()) updateErrorBars(s);
        return;
    }
    for (auto& p : points) {
        if (std::isnan(p.value)) continue;
        s.ema = m_smoothing * s.ema + (1 - m_smoothing) * p.value;
        s.emaNorm = m_smoothing * s.emaNorm + (1 - m_smoothing);
        p.value = s.ema / s.emaNorm;
        s.smoothExtent.add(p.key, p.value);
    }
    s.line->data()->add(points, true);
    if (!s.errors.isEmpty()) updateErrorBars(s);
}

void MetricPlot::setSeriesLabel(const QString& name, const QString& label) {
    ensureSeries(name).line->setName(label);
}

void MetricPlot::truncateFrom(const QString& name, double step) {
    auto it = m_series.find(name);
    if (it == m_series.end()) return;
    it->raw->removeAfter(step - 0.5);
    it->extent = {};
    for (auto p = it->raw->constBegin(); p != it->raw->constEnd(); ++p) {
        it->extent.add(p->key, p->value);
    }
    it->errors.erase(it->errors.lowerBound(step - 0.5), it->errors.end());
    resmooth(*it);
    updateMarkers(name, *it);
}

void MetricPlot::clearSeries() {
    for (auto& s : m_series) {
        if (s.bars) removePlottable(s.bars);
        removeGraph(s.line);
        removeGraph(s.faint);
    }
    m_series.clear();
    m_order.clear();
    m_tracer->setGraph(nullptr);
    m_tracer->setVisible(false);
    placeLegend();
    showEmptyAxes(true);
    m_follow = true;
}

void MetricPlot::showEmptyAxes(bool empty) {
    // Another run, or a new workspace: its empty chart must not keep the last run's scale.
    xAxis->setTickLabels(!empty);
    yAxis->setTickLabels(!empty);
    if (empty) {
        xAxis->setRange(0, 1);
        yAxis->setRange(m_logY ? 0.1 : 0.0, 1);
    }
    m_emptyText->setVisible(empty);
}

void MetricPlot::setLegendShown(bool on) {
    if (on == m_legendShown) return;
    m_legendShown = on;
    placeLegend();
    replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::placeLegend() {
    const bool want = m_legendShown && m_order.size() > 1;
    const bool placed = legend->layout() == plotLayout();
    if (want && !placed) {
        plotLayout()->addElement(plotLayout()->rowCount(), 0, legend);
        plotLayout()->setRowStretchFactor(plotLayout()->rowCount() - 1, 0.001);
    } else if (!want && placed) {
        plotLayout()->take(legend);
        plotLayout()->simplify();
    }
    legend->setVisible(want);
}

bool MetricPlot::wrapLegend() {
    if (!legend->visible() || legend->layout() != plotLayout()) return false;
    QVector<int> widths;  // of the items, in the order they fill the rows
    for (int i = 0; i < legend->itemCount(); ++i) {
        if (const QCPAbstractLegendItem* item = legend->item(i)) {
            widths << item->minimumOuterSizeHint().width();
        }
    }
    if (widths.isEmpty()) return false;
    // Items fill the rows left to right and a column is as wide as its widest item: the most
    // columns whose widths add up to no more than the chart's width (a column's width each, not
    // the widest item's, or one long name kept a legend in one column down the chart).
    const QMargins m = legend->margins();
    // The viewport: the widget's, or the size an export draws at.
    const int room = viewport().width() - m.left() - m.right() - 2;  // and the legend's border
    int columns = 1;
    for (int across = static_cast<int>(widths.size()); across > 1; --across) {
        QVector<int> column(across, 0);
        for (int i = 0; i < widths.size(); ++i) {
            column[i % across] = std::max(column[i % across], widths[i]);
        }
        const int total = std::accumulate(column.cbegin(), column.cend(), 0) +
                          (across - 1) * legend->columnSpacing();
        if (total <= room) {
            columns = across;
            break;
        }
    }
    if (legend->wrap() == columns && legend->fillOrder() == QCPLayoutGrid::foColumnsFirst) return false;
    legend->setWrap(columns);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, /*rearrange=*/true);
    return true;
}

void MetricPlot::setGrowsForLegend(bool on) {
    m_growsForLegend = on;
    if (!on) setMinimumHeight(kMinimumHeight);
    replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::keepPlotHeight() {
    // What the title, the axes and the legend take stays theirs at any height; the plot gets
    // the rest. Laid out for an export (a viewport of another size), the chart asks for nothing.
    // Hidden it asks all the same: a pane filled behind another is laid out before it shows,
    // and a finished run adds no points that would lay it out again.
    if (!m_growsForLegend || viewport() != rect()) return;
    const int around = height() - std::max(0, axisRect()->rect().height());
    const int want = std::max(kMinimumHeight, around + kMinimumPlotHeight);
    if (want != minimumHeight()) setMinimumHeight(want);
}

int MetricPlot::pointCount(const QString& name) const {
    auto it = m_series.find(name);
    return it == m_series.end() ? 0 : it->raw->size();
}

double MetricPlot::lastStep(const QString& name) const {
    auto it = m_series.find(name);
    if (it == m_series.end() || it->raw->isEmpty()) return -1;
    return (it->raw->constEnd() - 1)->key;
}

QSharedPointer<QCPGraphDataContainer> MetricPlot::rawData(const QString& name) const {
    auto it = m_series.find(name);
    return it == m_series.end() ? nullptr : it->raw;
}

QCPGraph* MetricPlot::line(const QString& name) const {
    auto it = m_series.find(name);
    return it == m_series.end() ? nullptr : it->line;
}

void MetricPlot::resmooth(Series& s) {
    s.ema = 0;
    s.emaNorm = 0;
    s.smoothExtent = {};
    if (m_smoothing <= 0) {
        s.line->setData(s.raw);
        s.faint->setVisible(false);
        updateErrorBars(s);
        return;
    }
    QVector<QCPGraphData> points;
    points.reserve(s.raw->size());
    for (auto it = s.raw->constBegin(); it != s.raw->constEnd(); ++it) {
        double v = it->value;
        if (!std::isnan(v)) {
            s.ema = m_smoothing * s.ema + (1 - m_smoothing) * v;
            s.emaNorm = m_smoothing * s.emaNorm + (1 - m_smoothing);
            v = s.ema / s.emaNorm;
            s.smoothExtent.add(it->key, v);
        }
        points.append(QCPGraphData(it->key, v));
    }
    auto smoothed = QSharedPointer<QCPGraphDataContainer>::create();
    smoothed->set(points, true);
    s.line->setData(smoothed);
    s.faint->setVisible(true);
    updateErrorBars(s);
}

void MetricPlot::setSmoothing(double weight) {
    weight = std::clamp(weight, 0.0, 0.999);
    if (weight == m_smoothing) return;
    m_smoothing = weight;
    for (auto& s : m_series) resmooth(s);
    refresh();
}

void MetricPlot::setLogY(bool on) {
    if (on == m_logY) return;
    m_logY = on;
    if (on) {
        yAxis->setScaleType(QCPAxis::stLogarithmic);
        yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        yAxis->setScaleType(QCPAxis::stLinear);
        yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    fitToData();
}

void MetricPlot::setStages(const QVector<StageBand>& bands) {
    if (bands == m_bands) return;
    m_bands = bands;
    rebuildBands();
}

void MetricPlot::setMarks(const QVector<PlotMark>& marks) {
    if (marks == m_marks) return;
    m_marks = marks;
    rebuildMarks();
    replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::rebuildMarks() {
    for (QCPAbstractItem* item : m_markItems) removeItem(item);
    m_markItems.clear();
    const QColor warning = m_style.dark ? QColor("#f0883e") : QColor("#bc4c00");
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    for (int i = 0; i < m_marks.size(); ++i) {
        const PlotMark& m = m_marks[i];
        auto* line = new QCPItemStraightLine(this);
        line->setClipToAxisRect(true);
        for (QCPItemPosition* p : {line->point1, line->point2}) {
            p->setTypeX(QCPItemPosition::ptPlotCoords);
            p->setTypeY(QCPItemPosition::ptAxisRectRatio);
        }
        line->point1->setCoords(m.step, 0);
        line->point2->setCoords(m.step, 1);
        line->setPen(QPen(warning, 1.5, Qt::DashLine));
        m_markItems << line;
        auto* text = new QCPItemText(this);
        text->setClipToAxisRect(true);
        text->position->setTypeX(QCPItemPosition::ptPlotCoords);
        text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        // Below the stage labels, one line lower for each mark, so that two do not overlap.
        text->position->setCoords(m.step, 0.08 + 0.08 * (i % 4));
        text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        text->setPadding(QMargins(4, 1, 4, 1));
        text->setFont(small);
        text->setColor(warning);
        text->setText(QStringLiteral("\u26a0 ") + m.label);
        m_markItems << text;
    }
}

void MetricPlot::rebuildBands() {
    for (QCPAbstractItem* item : m_bandItems) removeItem(item);
    m_bandItems.clear();
    if (m_bands.size() < 2) return;  // one stage: nothing to tell apart
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    for (int i = 0; i < m_bands.size(); ++i) {
        const StageBand& b = m_bands[i];
        auto* rect = new QCPItemRect(this);
        rect->setLayer("grid");
        rect->setClipToAxisRect(true);
        for (QCPItemPosition* p : {rect->topLeft, rect->bottomRight}) {
            p->setTypeX(QCPItemPosition::ptPlotCoords);
            p->setTypeY(QCPItemPosition::ptAxisRectRatio);
        }
        rect->topLeft->setCoords(b.start - 0.5, 0);
        rect->bottomRight->setCoords(b.end + 0.5, 1);
        rect->setPen(Qt::NoPen);
        rect->setBrush(i % 2 == 0 ? QBrush(m_style.band) : QBrush(Qt::NoBrush));
        m_bandItems << rect;
        auto* text = new QCPItemText(this);
        text->setLayer("grid");
        text->setClipToAxisRect(true);
        text->position->setTypeX(QCPItemPosition::ptPlotCoords);
        text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        text->position->setCoords(b.start, 0);
        text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        text->setPadding(QMargins(4, 2, 4, 2));
        text->setFont(small);
        text->setColor(m_style.foreground);
        text->setText(b.label);
        m_bandItems << text;
    }
}

void MetricPlot::fitToData() {
    m_follow = true;
    refresh();
}

void MetricPlot::refresh() {
    // Antialiasing costs about half of a replot of dense lines (more points than pixels across)
    // and shows nothing there; sparse lines keep it. The faint raw lines never need it.
    const int denseAbove = 2 * std::max(1, axisRect()->width());
    for (auto& s : m_series) {
        s.line->setAntialiased(s.line->data()->size() <= denseAbove);
        s.faint->setAntialiased(false);
    }
    if (m_follow && !m_series.isEmpty()) fitAxes();
    replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::Extent::add(double key, double value) {
    // NaN and infinite values are left out (QCustomPlot leaves out NaN; an infinity would make
    // its range invalid, and it would keep the old one).
    if (!std::isfinite(value)) return;
    keyLo = std::min(keyLo, key);
    keyHi = std::max(keyHi, key);
    lo = std::min(lo, value);
    hi = std::max(hi, value);
    if (value > 0) {
        posLo = std::min(posLo, value);
        posHi = std::max(posHi, value);
    }
}

void MetricPlot::Extent::merge(const Extent& o) {
    keyLo = std::min(keyLo, o.keyLo);
    keyHi = std::max(keyHi, o.keyHi);
    lo = std::min(lo, o.lo);
    hi = std::max(hi, o.hi);
    posLo = std::min(posLo, o.posLo);
    posHi = std::max(posHi, o.posHi);
}

void MetricPlot::fitAxes() {
    Extent all;
    for (const auto& s : m_series) {
        all.merge(s.extent);
        all.merge(s.errorExtent);
        if (m_smoothing > 0) all.merge(s.smoothExtent);
    }
    if (all.empty()) return;  // nothing finite to show yet: the axes stay as they are
    // A marker at the first or last step (a win rate at the end of the run) stays whole inside
    // the frame: the keys get a margin of a marker's radius and a bit.
    constexpr double kMarginPx = 5;
    // Before the first layout the axis rect has no size yet: the widget's stands in for it.
    const auto laidOut = [](int axisSize, int widgetSize) {
        return static_cast<double>(axisSize > 50 ? axisSize : std::max(200, widgetSize));
    };
    const double widthPx = laidOut(axisRect()->width(), width());
    const double heightPx = laidOut(axisRect()->height(), height());
    if (all.keyLo < all.keyHi) {
        const double pad = (all.keyHi - all.keyLo) * kMarginPx / (widthPx - 2 * kMarginPx);
        xAxis->setRange(all.keyLo - pad, all.keyHi + pad);
    } else {
        // One step so far: keep the axis' width around it (as QCPAxis::rescale does).
        const double half = xAxis->range().size() / 2;
        xAxis->setRange(all.keyLo - half, all.keyLo + half);
    }
    // The lines keep a margin from the frame: 6% of the span (a factor of 1.2 on a log axis); a
    // constant line gets 10% of its value (at least 1e-3) either side. Computed from the data
    // alone, so that refreshing a chart never moves its axes.
    if (m_logY) {
        if (all.posLo <= all.posHi) yAxis->setRange(all.posLo / 1.2, all.posHi * 1.2);
    } else if (all.lo < all.hi) {
        const double pad = (all.hi - all.lo) *
                           std::max(0.06, kMarginPx / (heightPx - 2 * kMarginPx));
        yAxis->setRange(all.lo - pad, all.hi + pad);
    } else {
        const double pad = std::max(1e-3, std::abs(all.lo) * 0.1);
        yAxis->setRange(all.lo - pad, all.hi + pad);
    }
}

QString MetricPlot::valuesAt(double step) const {
    QStringList lines;
    double shownStep = std::nan("");
    for (const QString& name : m_order) {
        const Series& s = m_series[name];
        if (!s.line->visible()) continue;
        const int i = nearestIndex(*s.raw, step);
        if (i < 0) continue;
        const QCPGraphData& p = *(s.raw->constBegin() + i);
        if (std::isnan(shownStep)) shownStep = p.key;
        QString line = s.line->name() + QStringLiteral(": ") + number(p.value);
        if (p.key != shownStep) line += tr(" (step %1)").arg(p.key);
        if (m_smoothing > 0 && i < s.line->data()->size()) {
            line += tr(" (smoothed %1)").arg(number((s.line->data()->constBegin() + i)->value));
        }
        lines << line;
    }
    if (lines.isEmpty()) return {};
    lines.prepend(tr("step %1").arg(shownStep));
    return lines.join('\n');
}

void MetricPlot::updateHover(const QPoint& pos) {
    if (!axisRect()->rect().contains(pos) || m_order.isEmpty()) {
        m_tracer->setVisible(false);
        QToolTip::hideText();
        return;
    }
    const double step = xAxis->pixelToCoord(pos.x());
    const Series& first = m_series[m_order.first()];
    const int i = nearestIndex(*first.line->data(), step);
    if (i < 0) return;
    m_tracer->setGraph(first.line);
    m_tracer->setGraphKey((first.line->data()->constBegin() + i)->key);
    m_tracer->setPen(QPen(m_style.foreground));
    m_tracer->setVisible(true);
    QToolTip::showText(mapToGlobal(pos), valuesAt(step), this);
    replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::mousePressEvent(QMouseEvent* event) {
    // A click alone (to focus the pane) changes no range: only a drag stops the following, or
    // the next point (the win rate at the end) would fall outside the frame.
    m_pressed = true;
    m_pressAt = event->pos();
    QCustomPlot::mousePressEvent(event);
}

void MetricPlot::mouseMoveEvent(QMouseEvent* event) {
    if (m_pressed && event->buttons() != Qt::NoButton) m_follow = false;  // the user pans
    QCustomPlot::mouseMoveEvent(event);
    if (event->buttons() == Qt::NoButton) updateHover(event->pos());
}

void MetricPlot::mouseReleaseEvent(QMouseEvent* event) {
    const bool click = m_pressed && event->button() == Qt::LeftButton &&
                       (event->pos() - m_pressAt).manhattanLength() <= 3 &&
                       axisRect()->rect().contains(event->pos());
    m_pressed = false;
    QCustomPlot::mouseReleaseEvent(event);
    if (click) Q_EMIT stepClicked(xAxis->pixelToCoord(event->pos().x()));
}

void MetricPlot::mouseDoubleClickEvent(QMouseEvent* event) {
    QCustomPlot::mouseDoubleClickEvent(event);
    fitToData();
}

void MetricPlot::wheelEvent(QWheelEvent* event) {
    m_follow = false;
    QCustomPlot::wheelEvent(event);
}

void MetricPlot::leaveEvent(QEvent* event) {
    m_tracer->setVisible(false);
    replot(QCustomPlot::rpQueuedReplot);
    QCustomPlot::leaveEvent(event);
}

void MetricPlot::changeEvent(QEvent* event) {
    QCustomPlot::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_styling) {
        m_style = PlotStyle::fromPalette(palette());
        applyStyle();
        replot(QCustomPlot::rpQueuedReplot);
    }
}

void MetricPlot::applyStyle() {
    m_styling = true;
    m_style.applyTo(this);
    m_emptyText->setColor(m_style.foreground);
    for (auto it = m_series.begin(); it != m_series.end(); ++it) styleSeries(it.key(), *it);
    rebuildBands();
    rebuildMarks();
    m_styling = false;
}

}  // namespace ladder::ui
