#include "ui/curriculum/curriculum_chart.h"

#include <algorithm>
#include <cmath>

namespace ladder::ui {

namespace {

constexpr double kGrabPixels = 6;      // how close to a boundary a press grabs it
constexpr double kRightMargin = 1.15;  // the x axis runs to 115% of the total steps
constexpr int kLegendItemWidth = 170;  // pixels per legend entry when deciding how many fit a row

// Tableau 10: distinct in light and dark themes, and for most colour-blind readers.
const QColor kTierColors[] = {QColor(0x4e, 0x79, 0xa7), QColor(0xf2, 0x8e, 0x2b),
                              QColor(0x59, 0xa1, 0x4f), QColor(0xe1, 0x57, 0x59),
                              QColor(0x76, 0xb7, 0xb2), QColor(0xed, 0xc9, 0x48),
                              QColor(0xb0, 0x7a, 0xa1), QColor(0xff, 0x9d, 0xa7),
                              QColor(0x9c, 0x75, 0x5f), QColor(0xba, 0xb0, 0xac)};

}  // namespace

CurriculumChart::CurriculumChart(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("curriculumChart");
    setMouseTracking(true);
    xAxis->setLabel(tr("training step"));
    yAxis->setLabel(tr("share of the batch"));
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int p = 0; p <= 100; p += 25) ticker->addTick(p / 100.0, QStringLiteral("%1%").arg(p));
    yAxis->setTicker(ticker);
    yAxis->setRange(0, 1);
    xAxis->setRange(0, 1);

    // The legend goes under the plot: stacked areas fill the whole axis rect.
    auto* below = new QCPLayoutGrid;
    plotLayout()->addElement(1, 0, below);
    plotLayout()->setRowStretchFactor(1, 0.001);
    below->setMargins(QMargins(0, 0, 0, 0));
    below->addElement(0, 0, legend);
    legend->setFillOrder(QCPLegend::foColumnsFirst);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setVisible(true);
}

void CurriculumChart::setCurriculum(const curriculum::Curriculum& preview,
                                    const std::vector<std::string>& tiers,
                                    const std::vector<int>& stageIndex, const QString& emptyText) {
    clearGraphs();
    clearItems();
    m_boundaries.clear();
    m_labels.clear();
    m_empty = nullptr;

    if (preview.stages.empty() || !preview.isResolved()) {
        m_drag = -1;
        m_empty = new QCPItemText(this);
        m_empty->position->setType(QCPItemPosition::ptAxisRectRatio);
        m_empty->position->setCoords(0.5, 0.5);
        m_empty->setText(emptyText.isEmpty() ? tr("No stage with a length to draw") : emptyText);
        m_empty->setColor(Qt::gray);
        xAxis->setRange(0, 1);
        legend->setVisible(false);
        replot(rpQueuedReplot);
        return;
    }
    legend->setVisible(true);

    // Shares are constant or linear within a stage, so a few points per stage draw them exactly:
    // its start, the end of its blend, and its last step (just before the next stage's start).
    const double total = static_cast<double>(preview.totalSteps());
    const double eps = std::max(total * 1e-6, 1e-3);
    QVector<double> keys;
    std::vector<std::int64_t> steps;
    for (std::size_t i = 0; i < preview.stages.size(); ++i) {
        const auto& s = preview.stages[i];
        const std::int64_t start = preview.stageStart(i);
        const std::int64_t end = start + s.steps;
        keys << static_cast<double>(start);
        steps.push_back(start);
        if (i > 0 && s.transition == curriculum::Transition::Blend && s.blendSteps > 0 &&
            s.blendSteps < s.steps) {
            keys << static_cast<double>(start + s.blendSteps);
            steps.push_back(start + s.blendSteps);
        }
        const bool last = i + 1 == preview.stages.size();
        keys << (last ? static_cast<double>(end) : static_cast<double>(end) - eps);
        steps.push_back(end - 1);
    }
    std::vector<QVector<double>> stacked(tiers.size(), QVector<double>(keys.size(), 0.0));
    for (qsizetype k = 0; k < keys.size(); ++k) {
        const auto shares = preview.tierShareAt(steps[static_cast<std::size_t>(k)]);
        double sum = 0;
        for (std::size_t t = 0; t < tiers.size(); ++t) {
            const auto it = shares.find(tiers[t]);
            sum += it == shares.end() ? 0.0 : it->second;
            stacked[t][k] = sum;
        }
    }
    for (std::size_t t = 0; t < tiers.size(); ++t) {
        QCPGraph* g = addGraph();
        const QColor color = kTierColors[t % std::size(kTierColors)];
        QColor fill = color;
        fill.setAlpha(200);
        g->setName(QString::fromStdString(tiers[t]));
        g->setPen(QPen(color.darker(130), 1.2));
        g->setBrush(fill);
        if (t > 0) g->setChannelFillGraph(graph(static_cast<int>(t) - 1));
        g->setData(keys, stacked[t], /*alreadySorted=*/true);
    }

    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    for (std::size_t i = 0; i < preview.stages.size(); ++i) {
        const auto& s = preview.stages[i];
        const double start = static_cast<double>(preview.stageStart(i));
        const double end = start + static_cast<double>(s.steps);
        const int stage = i < stageIndex.size() ? stageIndex[i] : static_cast<int>(i);
        auto* line = new QCPItemStraightLine(this);
        line->point1->setCoords(end, 0);
        line->point2->setCoords(end, 1);
        line->setPen(QPen(QColor(0x33, 0x33, 0x33), 2, Qt::DashLine));
        line->setSelectable(false);
        m_boundaries.push_back({line, start, end, stage});

        auto* label = new QCPItemText(this);
        label->position->setCoords((start + end) / 2, 0.97);
        label->setPositionAlignment(Qt::AlignTop | Qt::AlignHCenter);
        label->setText(s.name.empty() ? tr("stage %1").arg(stage + 1)
                                      : QString::fromStdString(s.name));
        label->setFont(small);
        label->setColor(QColor(0x20, 0x20, 0x20));
        label->setBrush(QColor(255, 255, 255, 200));
        label->setPadding(QMargins(4, 1, 4, 1));
        label->setClipToAxisRect(true);
        m_labels.push_back(label);
    }

    // Room right of the last boundary, so that it can be grabbed and dragged further. While
    // dragging, the scale under the mouse stays put.
    if (m_drag < 0) xAxis->setRange(0, total * kRightMargin);
    replot(rpQueuedReplot);
}

double CurriculumChart::boundaryStep(int i) const {
    return i >= 0 && i < boundaryCount() ? m_boundaries[static_cast<std::size_t>(i)].end : 0.0;
}

QPoint CurriculumChart::boundaryPixel(int i) const {
    const QRect r = axisRect()->rect();
    return QPoint(static_cast<int>(std::lround(xAxis->coordToPixel(boundaryStep(i)))),
                  r.center().y());
}

double CurriculumChart::stackedValueAt(int tier, double step) const {
    if (tier < 0 || tier >= graphCount()) return 0.0;
    const auto data = const_cast<CurriculumChart*>(this)->graph(tier)->data();
    if (data->isEmpty()) return 0.0;
    auto after = data->findBegin(step, /*expandedRange=*/false);
    if (after == data->constEnd()) return (data->constEnd() - 1)->value;
    if (after == data->constBegin() || after->key == step) return after->value;
    const auto before = after - 1;
    const double t = (step - before->key) / (after->key - before->key);
    return before->value + t * (after->value - before->value);
}

int CurriculumChart::boundaryNear(const QPointF& pos) const {
    if (!axisRect()->rect().adjusted(-8, 0, 8, 0).contains(pos.toPoint())) return -1;
    int best = -1;
    double bestDistance = kGrabPixels;
    for (int i = 0; i < boundaryCount(); ++i) {
        const double d = std::abs(xAxis->coordToPixel(boundaryStep(i)) - pos.x());
        if (d <= bestDistance) {
            best = i;
            bestDistance = d;
        }
    }
    return best;
}

std::int64_t CurriculumChart::stepsAt(const QPointF& pos) const {
    const double x = xAxis->pixelToCoord(pos.x());
    const double start = m_boundaries[static_cast<std::size_t>(m_drag)].start;
    return std::max<std::int64_t>(1, std::llround(x - start));
}

void CurriculumChart::resizeEvent(QResizeEvent* event) {
    // As many legend entries per row as fit: tier names are long ("gpt4>text_davinci_001").
    legend->setWrap(std::max(1, event->size().width() / kLegendItemWidth));
    legend->setFillOrder(QCPLegend::foColumnsFirst, /*rearrange=*/true);
    QCustomPlot::resizeEvent(event);
}

void CurriculumChart::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) {
        m_drag = boundaryNear(event->position());
        if (m_drag >= 0) {
            setCursor(Qt::SplitHCursor);
            event->accept();
            return;
        }
    }
    QCustomPlot::mousePressEvent(event);
}

void CurriculumChart::mouseMoveEvent(QMouseEvent* event) {
    if (m_drag >= 0) {
        Q_EMIT boundaryMoved(m_boundaries[static_cast<std::size_t>(m_drag)].stage,
                             stepsAt(event->position()));
        event->accept();
        return;
    }
    if (boundaryNear(event->position()) >= 0) {
        setCursor(Qt::SplitHCursor);
    } else {
        unsetCursor();
    }
    QCustomPlot::mouseMoveEvent(event);
}

void CurriculumChart::mouseReleaseEvent(QMouseEvent* event) {
    if (m_drag >= 0 && event->button() == Qt::LeftButton) {
        const int stage = m_boundaries[static_cast<std::size_t>(m_drag)].stage;
        const std::int64_t steps = stepsAt(event->position());
        m_drag = -1;
        unsetCursor();
        event->accept();
        Q_EMIT boundaryReleased(stage, steps);
        return;
    }
    QCustomPlot::mouseReleaseEvent(event);
}

}  // namespace ladder::ui
