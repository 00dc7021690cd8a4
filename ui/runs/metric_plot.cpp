#include "ui/runs/metric_plot.h"

#include <cmath>

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
    setMinimumSize(320, 220);
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
    legend->setVisible(false);
    legend->setRowSpacing(0);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
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
    legend->setVisible(m_order.size() > 1);
    m_emptyText->setVisible(false);
    return *it;
}

void MetricPlot::styleSeries(const QString& name, Series& s) {
    const QColor color = m_style.seriesColor(s.colorIndex);
    // One pixel wide: Qt strokes wider pens through its path stroker, about 200 times slower on
    // a noisy line (10 series of 100k points: seconds per replot instead of milliseconds).
    QPen pen(color, 1.0);
    if (isEval(name)) {
        pen.setStyle(Qt::DashLine);
        s.line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, m_style.background, 6));
    }
    s.line->setPen(pen);
    QColor faint = color;
    faint.setAlpha(m_style.dark ? 70 : 55);
    s.faint->setPen(QPen(faint, 1.0));
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
    if (m_smoothing <= 0) return;  // the line shows raw itself
    for (auto& p : points) {
        if (std::isnan(p.value)) continue;
        s.ema = m_smoothing * s.ema + (1 - m_smoothing) * p.value;
        s.emaNorm = m_smoothing * s.emaNorm + (1 - m_smoothing);
        p.value = s.ema / s.emaNorm;
        s.smoothExtent.add(p.key, p.value);
    }
    s.line->data()->add(points, true);
}

void MetricPlot::setSeriesLabel(const QString& name, const QString& label) {
    ensureSeries(name).line->setName(label);
}

void MetricPlot::truncateFrom(const QString& name, double step) {
    auto it = m_series.find(name);
    if (it == m_series.end()) return;
    it->raw->removeAfter(step - 0.5);
    it->extent = {};
    for (auto p = it->raw->constBegin(); p != it->raw->constEnd(); ++p) it->extent.add(p->key, p->value);
    resmooth(*it);
}

void MetricPlot::clearSeries() {
    for (auto& s : m_series) {
        removeGraph(s.line);
        removeGraph(s.faint);
    }
    m_series.clear();
    m_order.clear();
    m_tracer->setGraph(nullptr);
    m_tracer->setVisible(false);
    legend->setVisible(false);
    m_emptyText->setVisible(true);
    m_follow = true;
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
    if (m_follow && !m_series.isEmpty()) {
        fitAxes();
        if (m_logY) {
            yAxis->setRange(yAxis->range().lower / 1.2, yAxis->range().upper * 1.2);
        } else {
            const double span = yAxis->range().size();
            const double pad = span > 0 ? span * 0.06 : std::max(1e-3, std::abs(yAxis->range().center()) * 0.1);
            yAxis->setRange(yAxis->range().lower - pad, yAxis->range().upper + pad);
        }
    }
    replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::Extent::add(double key, double value) {
    if (!std::isfinite(value)) return;  // QCustomPlot leaves NaN points out of its ranges too
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
        if (m_smoothing > 0) all.merge(s.smoothExtent);
    }
    if (all.empty()) return;
    // As QCPAxis::rescale: a span of zero keeps the axis' current size around the value.
    const auto fit = [](QCPAxis* axis, double lo, double hi) {
        if (lo > hi) return;  // nothing to show on this scale
        QCPRange range(lo, hi);
        if (!QCPRange::validRange(range)) {
            const double center = (lo + hi) * 0.5;
            const QCPRange now = axis->range();
            if (axis->scaleType() == QCPAxis::stLinear) {
                range = QCPRange(center - now.size() / 2.0, center + now.size() / 2.0);
            } else {
                const double ratio = std::sqrt(now.upper / now.lower);
                range = QCPRange(center / ratio, center * ratio);
            }
        }
        axis->setRange(range);
    };
    fit(xAxis, all.keyLo, all.keyHi);
    if (m_logY) {
        fit(yAxis, all.posLo, all.posHi);
    } else {
        fit(yAxis, all.lo, all.hi);
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
    m_follow = false;  // the user takes over the view until a double-click
    QCustomPlot::mousePressEvent(event);
}

void MetricPlot::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    if (event->buttons() == Qt::NoButton) updateHover(event->pos());
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
    m_styling = false;
}

}  // namespace ladder::ui
