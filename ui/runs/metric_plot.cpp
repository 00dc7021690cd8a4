#include "ui/runs/metric_plot.h"

#include <algorithm>
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
    // After each layout (the axis rect known), the legend takes the emptiest corner; moving it
    // lays out the inset again before anything is drawn.
    connect(this, &QCustomPlot::afterLayout, this, [this] {
        if (placeLegend()) axisRect()->insetLayout()->update(QCPLayoutElement::upLayout);
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
    for (auto p = it->raw->constBegin(); p != it->raw->constEnd(); ++p) {
        it->extent.add(p->key, p->value);
    }
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
    if (m_follow && !m_series.isEmpty()) fitAxes();
    replot(QCustomPlot::rpQueuedReplot);
}

bool MetricPlot::placeLegend() {
    const QRect area = axisRect()->rect();
    if (!legend->visible() || area.isEmpty()) return false;
    // A legend taller than half the chart is split into columns, as many as fit across it.
    // (itemCount() counts the cells of the legend's grid; a split legend may have empty ones.)
    int count = 0, rowHeight = 0, itemWidth = 0;
    for (int i = 0; i < legend->itemCount(); ++i) {
        const QCPAbstractLegendItem* item = legend->item(i);
        if (!item) continue;
        ++count;
        const QSize hint = item->minimumOuterSizeHint();
        rowHeight = std::max(rowHeight, hint.height() + legend->rowSpacing());
        itemWidth = std::max(itemWidth, hint.width() + legend->columnSpacing());
    }
    if (count == 0) return false;
    const QMargins m = legend->margins();
    const int oneColumn = count * rowHeight + m.top() + m.bottom();
    const int across = area.width() * 9 / 10 - m.left() - m.right();
    const int fitAcross = std::max(1, across / std::max(1, itemWidth));
    const int columns = std::clamp((2 * oneColumn + area.height() - 1) / std::max(1, area.height()),
                                   1, fitAcross);
    const int wrap = columns > 1 ? (count + columns - 1) / columns : 0;  // items per column
    bool changed = false;
    if (legend->wrap() != wrap) {
        legend->setWrap(wrap);
        legend->setFillOrder(QCPLayoutGrid::foRowsFirst, /*rearrange=*/true);
        changed = true;
    }
    const QSize size = legend->minimumOuterSizeHint();
    const Qt::Alignment corners[] = {
        Qt::AlignTop | Qt::AlignRight, Qt::AlignTop | Qt::AlignLeft,
        Qt::AlignBottom | Qt::AlignRight, Qt::AlignBottom | Qt::AlignLeft};
    QRect boxes[4];
    for (int c = 0; c < 4; ++c) {
        const int x = (corners[c] & Qt::AlignRight) ? area.right() - size.width() : area.left();
        const int y = (corners[c] & Qt::AlignBottom) ? area.bottom() - size.height() : area.top();
        boxes[c] = QRect(QPoint(x, y), size);
    }
    // A sample of each drawn line (about 400 points a series) is enough to see where it runs:
    // 0.1-0.2 ms a replot for 10 lines of 100k points.
    int covered[4] = {0, 0, 0, 0};
    for (const auto& s : m_series) {
        const auto data = s.line->data();
        const int stride = std::max(1, data->size() / 400);
        for (int i = 0; i < data->size(); i += stride) {
            const auto p = data->constBegin() + i;
            if (!std::isfinite(p->value)) continue;
            const QPointF px(xAxis->coordToPixel(p->key), yAxis->coordToPixel(p->value));
            for (int c = 0; c < 4; ++c) covered[c] += boxes[c].contains(px.toPoint()) ? 1 : 0;
        }
    }
    // The first corner with the fewest points (top right wins ties, as legends usually sit
    // there); the legend moves only when that halves what it covers, so it does not hop about
    // while the user pans.
    const int best = static_cast<int>(std::min_element(covered, covered + 4) - covered);
    const Qt::Alignment now = axisRect()->insetLayout()->insetAlignment(0);
    const int current = static_cast<int>(std::find(corners, corners + 4, now) - corners);
    if (current < 4 && covered[best] * 2 >= covered[current]) return changed;
    axisRect()->insetLayout()->setInsetAlignment(0, corners[best]);
    return true;
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
        if (m_smoothing > 0) all.merge(s.smoothExtent);
    }
    if (all.empty()) return;  // nothing finite to show yet: the axes stay as they are
    if (all.keyLo < all.keyHi) {
        xAxis->setRange(all.keyLo, all.keyHi);
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
        const double pad = (all.hi - all.lo) * 0.06;
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
