#include "ui/plots/live_plots_pane.h"

#include <algorithm>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include "core/train/run_alerts.h"
#include "ui/bridge/run_queue.h"
#include "ui/bridge/runs_bridge.h"
#include "ui/bridge/workspace_session.h"
#include "ui/flow_layout.h"
#include "ui/plots/metric_plot.h"
#include "ui/plots/pair_learning_dialog.h"
#include "ui/plots/pairs_at_step_dialog.h"
#include "ui/plots/plot_export.h"
#include "ui/runs/run_text.h"

namespace ladder::ui {

namespace {

constexpr int kFlushMs = 50;    // points reach the charts at about 20 Hz
constexpr int kPollMs = 500;    // a run of another process: rows since the last look
constexpr int kListMs = 2000;
constexpr std::size_t kPollRows = 20000;  // rows per look: a long history never stalls the GUI
constexpr int kColumns = 2;
constexpr const char* kSmoothingKey = "plots/smoothing";
constexpr const char* kLogYKey = "plots/logY";
constexpr const char* kFollowKey = "plots/followNewest";
constexpr const char* kLegendsKey = "plots/legends";

struct PlotSpec {
    const char* title;
    std::vector<const char*> exact;     // metric names
    std::vector<const char*> suffixes;  // tier/<t>/<suffix> and eval/tier/<t>/<suffix>
};

const std::vector<PlotSpec>& plotSpecs() {
    static const std::vector<PlotSpec> specs = {
        {"Loss", {"loss", "eval/loss"}, {}},
        {"Reward margins", {"rewards/margins", "eval/rewards/margins"}, {"/margins"}},
        {"Accuracy and win rate",
         {"rewards/accuracies", "eval/rewards/accuracies", "eval/win_rate"},
         {"/accuracies"}},
        {"Log-probs", {"logps/chosen", "logps/rejected", "eval/logps/chosen", "eval/logps/rejected"}, {}},
        {"Rewards", {"rewards/chosen", "rewards/rejected", "eval/rewards/chosen", "eval/rewards/rejected"}, {}},
        {"Learning rate", {"learning_rate"}, {}},
        {"Gradient norm", {"grad_norm"}, {}},
        {"Tokens per second", {"tokens_per_second"}, {}},
    };
    return specs;
}

}  // namespace

LivePlotsPane::LivePlotsPane(WorkspaceSession* session, RunQueue* queue, QWidget* parent)
    : QWidget(parent), m_session(session), m_queue(queue), m_bridge(new RunsBridge(session, this)) {
    setObjectName("plotsPane");
    buildUi();

    m_flushTimer = new QTimer(this);
    m_flushTimer->setInterval(kFlushMs);
    connect(m_flushTimer, &QTimer::timeout, this, &LivePlotsPane::flush);
    m_flushTimer->start();
    m_pollTimer = new QTimer(this);
    m_pollTimer->setInterval(kPollMs);
    connect(m_pollTimer, &QTimer::timeout, this, &LivePlotsPane::poll);
    m_pollTimer->start();
    // New runs of other processes, and status changes, appear in the run list.
    auto* listTimer = new QTimer(this);
    listTimer->setInterval(kListMs);
    connect(listTimer, &QTimer::timeout, this, &LivePlotsPane::reloadRuns);
    listTimer->start();

    connect(m_queue, &RunQueue::eventsArrived, this, &LivePlotsPane::onEvents);
    connect(m_queue, &RunQueue::runEnded, this, [this](std::int64_t runId) {
        if (runId == m_runId) m_catchingUp = true;  // the file's last rows were shown as events
        reloadRuns();
    });
    connect(m_session, &WorkspaceSession::opened, this, [this] {
        m_runId = 0;
        clear();
        m_runs->clear();
        reloadRuns();
    });
    connect(m_session, &WorkspaceSession::closed, this, [this] {
        m_runId = 0;
        clear();
        reloadRuns();
    });
    connect(m_session, &WorkspaceSession::contentsChanged, this, &LivePlotsPane::reloadRuns);
    reloadRuns();
}

LivePlotsPane::~LivePlotsPane() = default;

QStringList LivePlotsPane::plotTitles() {
    QStringList out;
    for (const auto& spec : plotSpecs()) out << tr(spec.title);
    return out;
}

int LivePlotsPane::plotIndexFor(const QString& metric) {
    const auto& specs = plotSpecs();
    for (std::size_t i = 0; i < specs.size(); ++i) {
        for (const char* name : specs[i].exact) {
            if (metric == QLatin1String(name)) return static_cast<int>(i);
        }
    }
    if (metric.startsWith("tier/") || metric.startsWith("eval/tier/")) {
        for (std::size_t i = 0; i < specs.size(); ++i) {
            for (const char* suffix : specs[i].suffixes) {
                if (metric.endsWith(QLatin1String(suffix))) return static_cast<int>(i);
            }
        }
    }
    return -1;
}

void LivePlotsPane::buildUi() {
    // The controls wrap (FlowLayout) where the pane is narrow (the Log dock at its side): in a
    // row they asked 885 px, and the window grew wider than the user made it.
    auto* controls = new FlowLayout;
    m_runs = new QComboBox(this);
    m_runs->setObjectName("plotsRun");
    m_runs->setMinimumContentsLength(20);
    m_runs->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    controls->addPair(new QLabel(tr("Run:"), this), m_runs);
    m_followNewest = new QCheckBox(tr("Follow newest"), this);
    m_followNewest->setObjectName("plotsFollowNewest");
    m_followNewest->setToolTip(tr("Switch to a run as soon as it starts (in this window or in "
                                  "ladder-cli on the same workspace)"));
    controls->addWidget(m_followNewest);
    auto* smoothingBox = new QWidget(this);
    auto* smoothingLayout = new QHBoxLayout(smoothingBox);
    smoothingLayout->setContentsMargins(0, 0, 0, 0);
    m_smoothing = new QSlider(Qt::Horizontal, smoothingBox);
    m_smoothing->setObjectName("plotsSmoothing");
    m_smoothing->setRange(0, 99);
    m_smoothing->setFixedWidth(110);
    m_smoothing->setToolTip(tr("Exponential moving average of the lines; the raw values stay "
                               "faintly behind"));
    smoothingLayout->addWidget(m_smoothing);
    m_smoothingLabel = new QLabel(smoothingBox);
    m_smoothingLabel->setMinimumWidth(32);
    smoothingLayout->addWidget(m_smoothingLabel);
    controls->addPair(new QLabel(tr("Smoothing:"), this), smoothingBox);
    m_logY = new QCheckBox(tr("Log y"), this);
    m_logY->setObjectName("plotsLogY");
    controls->addWidget(m_logY);
    m_legends = new QCheckBox(tr("Legends"), this);
    m_legends->setObjectName("plotsLegends");
    m_legends->setToolTip(tr("The legend below each chart (the lines are named in the tooltip "
                             "too)"));
    controls->addWidget(m_legends);
    m_chained = new QCheckBox(tr("After parent"), this);
    m_chained->setObjectName("plotsChained");
    m_chained->setChecked(true);
    m_chained->setToolTip(tr("A run that started from another run's checkpoint (DPO after SFT) "
                             "continues its parent's steps: drawn after them, with the parent's "
                             "lines up to the branching point"));
    controls->addWidget(m_chained);
    connect(m_chained, &QCheckBox::toggled, this, [this] { showRun(m_runId); });
    m_axis = new QComboBox(this);
    m_axis->setObjectName("plotsAxis");
    m_axis->addItem(tr("Steps"), static_cast<int>(train::ChainAxis::Steps));
    m_axis->addItem(tr("Tokens"), static_cast<int>(train::ChainAxis::Tokens));
    m_axis->setToolTip(tr("Against optimizer steps, or against the tokens trained on (prompt and "
                          "answers of every pair): runs of other batch sizes and lengths line up"));
    controls->addPair(new QLabel(tr("X axis:"), this), m_axis);
    connect(m_axis, &QComboBox::currentIndexChanged, this, [this] {
        const QString label = axis() == train::ChainAxis::Tokens ? tr("tokens") : tr("step");
        for (MetricPlot* p : m_plots) p->xAxis->setLabel(label);
        showRun(m_runId);
    });
    auto* fit = new QToolButton(this);
    fit->setText(tr("Fit"));
    fit->setToolTip(tr("Fit every chart to its data and follow new points (double-click a chart "
                       "to fit only it)"));
    controls->addWidget(fit);
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export..."));
    controls->addWidget(exportButton);
    auto* learning = new QToolButton(this);
    learning->setObjectName("plotsPairLearning");
    learning->setText(tr("Pair Learning..."));
    learning->setToolTip(tr("Which pairs the run learned, never learned or forgot, per tier and "
                            "per source (click a chart for the pairs at one step)"));
    controls->addWidget(learning);
    connect(learning, &QToolButton::clicked, this, &LivePlotsPane::showPairLearning);
    m_status = new QLabel(this);
    m_status->setObjectName("plotsStatus");
    // The progress text changes every step: it must never widen the window, only be cut.
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    auto* bar = new QHBoxLayout;
    bar->addLayout(controls);
    bar->addWidget(m_status, 1);

    auto* grid = new QGridLayout;
    grid->setSpacing(6);
    const QStringList titles = plotTitles();
    for (int i = 0; i < titles.size(); ++i) {
        auto* plot = new MetricPlot(titles[i], this);
        plot->setGrowsForLegend(true);  // the pane scrolls down, so a legend never flattens a chart
        m_plots << plot;
        connect(plot, &MetricPlot::stepClicked, this, &LivePlotsPane::showPairsAt);
        grid->addWidget(plot, i / kColumns, i % kColumns);
    }
    auto* charts = new QWidget(this);
    charts->setLayout(grid);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(charts);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(scroll, 1);

    // Pane shortcuts: only while the pane has the focus, so other panes may reuse the keys.
    auto makeAction = [this](const QString& text, const QKeySequence& keys, auto slot) {
        auto* action = new QAction(text, this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        action->setProperty("shortcutArea", tr("Plots"));
        connect(action, &QAction::triggered, this, slot);
        QWidget::addAction(action);
        return action;
    };
    QAction* fitAction = makeAction(tr("Fit charts to data"), QKeySequence(Qt::CTRL | Qt::Key_0),
                                   [this] {
                                       for (MetricPlot* p : m_plots) p->fitToData();
                                   });
    QAction* exportAction = makeAction(tr("Export charts..."), QKeySequence(Qt::CTRL | Qt::Key_E),
                                      [this] { exportDialog(); });
    makeAction(tr("Toggle log y"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Y),
              [this] { m_logY->toggle(); });
    connect(fit, &QToolButton::clicked, fitAction, &QAction::trigger);
    connect(exportButton, &QToolButton::clicked, exportAction, &QAction::trigger);

    QSettings settings;
    m_smoothing->setValue(settings.value(kSmoothingKey, 0).toInt());
    m_logY->setChecked(settings.value(kLogYKey, false).toBool());
    m_followNewest->setChecked(settings.value(kFollowKey, true).toBool());
    m_legends->setChecked(settings.value(kLegendsKey, true).toBool());
    for (MetricPlot* p : m_plots) p->setLegendShown(m_legends->isChecked());
    connect(m_legends, &QCheckBox::toggled, this, [this](bool on) {
        QSettings().setValue(kLegendsKey, on);
        for (MetricPlot* p : m_plots) p->setLegendShown(on);
    });
    auto showSmoothing = [this](int v) {
        m_smoothingLabel->setText(v == 0 ? tr("off") : QString::number(v / 100.0, 'f', 2));
    };
    showSmoothing(m_smoothing->value());
    for (MetricPlot* p : m_plots) {
        p->setSmoothing(m_smoothing->value() / 100.0);
        p->setLogY(m_logY->isChecked());
    }
    connect(m_smoothing, &QSlider::valueChanged, this, [this, showSmoothing](int v) {
        showSmoothing(v);
        QSettings().setValue(kSmoothingKey, v);
        for (MetricPlot* p : m_plots) p->setSmoothing(v / 100.0);
    });
    connect(m_logY, &QCheckBox::toggled, this, [this](bool on) {
        QSettings().setValue(kLogYKey, on);
        for (MetricPlot* p : m_plots) p->setLogY(on);
    });
    connect(m_followNewest, &QCheckBox::toggled, this,
            [](bool on) { QSettings().setValue(kFollowKey, on); });
    connect(m_runs, &QComboBox::activated, this, [this](int index) {
        showRun(m_runs->itemData(index).toLongLong());
    });
}

MetricPlot* LivePlotsPane::plot(const QString& title) const {
    for (MetricPlot* p : m_plots) {
        if (p->title() == title) return p;
    }
    return nullptr;
}

void LivePlotsPane::setSmoothing(double weight) {
    m_smoothing->setValue(static_cast<int>(weight * 100 + 0.5));
}

void LivePlotsPane::setLogY(bool on) { m_logY->setChecked(on); }

void LivePlotsPane::clear() {
    m_buffers.clear();
    m_errorBuffers.clear();
    m_lastStep.clear();
    m_stageStarts.clear();
    m_stageNames.clear();
    m_nextStageName.clear();
    m_lastRowId = 0;
    m_lastStepSeen = 0;
    m_parked.clear();
    m_stepAt.clear();
    m_catchingUp = false;
    for (MetricPlot* p : m_plots) {
        p->clearSeries();
        p->setStages({});
        p->setMarks({});
        p->replot(QCustomPlot::rpQueuedReplot);
    }
    m_status->clear();
}

void LivePlotsPane::reloadRuns() {
    const std::vector<store::RunRecord> runs = m_bridge->runs();
    std::int64_t newestKnown = 0;
    for (int i = 0; i < m_runs->count(); ++i) {
        newestKnown = std::max<std::int64_t>(newestKnown, m_runs->itemData(i).toLongLong());
    }
    const bool firstLoad = m_runs->count() == 0;
    QStringList texts;
    for (const auto& r : runs) {
        texts << QStringLiteral("%1  (%2, %3)")
                     .arg(runLabel(r), QString::fromStdString(r.method),
                          statusText(r, m_bridge->liveness(r)));
    }
    bool same = texts.size() == m_runs->count();
    for (int i = 0; same && i < texts.size(); ++i) same = m_runs->itemText(i) == texts[i];
    if (!same) {
        const QSignalBlocker block(m_runs);
        m_runs->clear();
        for (std::size_t i = 0; i < runs.size(); ++i) {
            m_runs->addItem(texts[static_cast<int>(i)], QVariant::fromValue<qlonglong>(runs[i].id));
        }
        const int index = m_runs->findData(QVariant::fromValue<qlonglong>(m_runId));
        if (index >= 0) m_runs->setCurrentIndex(index);
    }
    if (runs.empty()) {
        if (m_runId != 0) {
            m_runId = 0;
            clear();
        }
        m_status->setText(m_session->isOpen() ? tr("No runs yet: start one in the Launcher")
                                              : tr("No workspace open"));
        return;
    }
    // What to show: a new run when following the newest; on first sight the newest active run,
    // else the newest run; the same run otherwise (if it still exists).
    const store::RunRecord& newest = runs.front();
    if (m_runId == 0 || m_runs->findData(QVariant::fromValue<qlonglong>(m_runId)) < 0) {
        std::int64_t pick = newest.id;
        if (firstLoad) {
            for (const auto& r : runs) {
                if (store::isActive(r.status) && m_bridge->liveness(r) != store::Liveness::Stale) {
                    pick = r.id;
                    break;
                }
            }
        }
        showRun(pick);
    } else if (m_followNewest->isChecked() && newest.id > newestKnown && newestKnown > 0 &&
               newest.id != m_runId && store::isActive(newest.status)) {
        showRun(newest.id);
    }
}

void LivePlotsPane::showRun(std::int64_t runId) {
    m_runId = runId;
    clear();
    {
        const QSignalBlocker block(m_runs);
        const int index = m_runs->findData(QVariant::fromValue<qlonglong>(runId));
        if (index >= 0) m_runs->setCurrentIndex(index);
    }
    if (runId <= 0 || !m_bridge->isOpen()) return;
    m_place = m_bridge->runAxis(runId, axis(), m_chained->isChecked());
    loadStageNames();
    loadHistory();
    if (m_chained->isChecked()) loadAncestors();
    if (followedByEvents()) {
        // Steps trained since the file's last write: the job's recent events fill the gap.
        for (const auto& e : m_queue->recentEvents()) {
            if (e.runId != runId) continue;
            for (const auto& [name, value] : e.metrics) {
                ingest(e.step, QString::fromStdString(name), value);
            }
        }
    }
    flush();
    updateAlerts();
    for (MetricPlot* p : m_plots) p->fitToData();
    if (axis() == train::ChainAxis::Tokens && !m_place.hasTokens() && m_lastRowId > 0) {
        m_status->setText(tr("Run #%1 recorded no token counts (a run from before Ladder kept "
                             "them): choose X axis Steps to see its curves")
                              .arg(runId));
    }
}

void LivePlotsPane::setAxis(train::ChainAxis axis) {
    m_axis->setCurrentIndex(m_axis->findData(static_cast<int>(axis)));
}

train::ChainAxis LivePlotsPane::axis() const {
    return static_cast<train::ChainAxis>(m_axis->currentData().toInt());
}

bool LivePlotsPane::followedByEvents() const {
    return m_runId > 0 && m_queue->isTraining(m_session->path(), m_runId);
}

void LivePlotsPane::loadHistory() {
    const auto rows = m_bridge->metricsSince(m_runId, 0);
    for (const auto& r : rows) ingest(r.step, QString::fromStdString(r.name), r.value);
    if (!rows.empty()) m_lastRowId = rows.back().rowId;
}

void LivePlotsPane::loadAncestors() {
    const auto wanted = [](const std::string& metric) {
        const QString name = QString::fromStdString(metric);
        return !name.endsWith(QLatin1String("_stderr")) && plotIndexFor(name) >= 0;
    };
    for (const auto& line : m_bridge->parentLines(m_runId, axis(), wanted)) {
        QVector<double> xs, values;
        for (const auto& [at, value] : line.points) {
            xs.append(at);
            values.append(value);
        }
        const QString name = QString::fromStdString(line.metric);
        m_plots[plotIndexFor(name)]->addPoints(tr("%1 · run #%2").arg(name).arg(line.parentRunId), xs, values);
    }
}

void LivePlotsPane::loadStageNames() {
    // Stage names from the run's curriculum where the file holds it (inline or stored); the
    // trainer's StageChanged events name the stages of a run followed live.
    const auto names = m_bridge->stageNames(m_runId);
    for (std::size_t i = 0; i < names.size(); ++i) {
        m_stageNames[static_cast<int>(i) + 1] = QString::fromStdString(names[i]);
    }
}

void LivePlotsPane::ingest(std::int64_t step, const QString& name, double value) {
    if (name == QLatin1String(train::kTokensSeenMetric)) {
        m_place.learn(step, value);
        if (m_parked.empty()) return;
        // The values that waited for this step's token count. Those of an earlier step without
        // one never get it (every step records its count with its values): they are dropped.
        std::vector<Parked> waiting;
        waiting.swap(m_parked);
        for (auto& p : waiting) {
            if (p.step == step) {
                place(*m_place.at(step), p.step, p.name, p.value);
            } else if (p.step > step) {
                m_parked.push_back(std::move(p));
            }
        }
        return;
    }
    const auto x = m_place.at(step);
    if (!x) {
        // Tokens axis: the step's tokens_seen comes with its other values; a step that never
        // records one (a run from before they were) is not drawn (showRun says so).
        if (m_parked.size() < kMaxParked) m_parked.push_back({step, name, value});
        return;
    }
    place(*x, step, name, value);
}

void LivePlotsPane::place(double s, std::int64_t step, const QString& name, double value) {
    m_stepAt[s] = step;
    if (name == QLatin1String("curriculum/stage")) {
        const int stage = static_cast<int>(value);
        if (!m_stageStarts.empty() && m_stageStarts.back().first >= s) {
            // A resumed run redoes steps: forget the stages recorded from there on.
            while (!m_stageStarts.empty() && m_stageStarts.back().first >= s) m_stageStarts.pop_back();
        }
        if (m_stageStarts.empty() || m_stageStarts.back().second != stage) {
            m_stageStarts.emplace_back(s, stage);
            if (!m_nextStageName.isEmpty()) {
                m_stageNames[stage] = m_nextStageName;
                m_nextStageName.clear();
            }
        }
        m_lastStepSeen = std::max(m_lastStepSeen, s);
        m_stagesDirty = true;
        return;
    }
    if (name.endsWith(QLatin1String("_stderr"))) {
        // The win rate's standard error: ± bars on its points, not a line of its own.
        const QString base = name.chopped(7);
        if (plotIndexFor(base) < 0) return;
        Buffer& e = m_errorBuffers[base];
        e.steps.append(s);
        e.values.append(value);
        return;
    }
    const int index = plotIndexFor(name);
    if (index < 0) return;
    auto last = m_lastStep.find(name);
    if (last != m_lastStep.end() && s <= *last) {
        // The same step again: a resumed run redoes the steps after its checkpoint.
        Buffer& b = m_buffers[name];
        while (!b.steps.isEmpty() && b.steps.back() >= s) {
            b.steps.pop_back();
            b.values.pop_back();
        }
        m_plots[index]->truncateFrom(name, s);
    }
    Buffer& b = m_buffers[name];
    b.steps.append(s);
    b.values.append(value);
    m_lastStep[name] = s;
    m_lastStepSeen = std::max(m_lastStepSeen, s);
}

void LivePlotsPane::onEvents(const std::vector<train::TrainingEvent>& events) {
    for (const auto& e : events) {
        if (e.runId <= 0) continue;
        if (e.runId != m_runId) {
            if (e.kind == train::EventKind::Started && m_followNewest->isChecked()) {
                reloadRuns();
                showRun(e.runId);
            }
            continue;
        }
        switch (e.kind) {
            case train::EventKind::Step:
            case train::EventKind::Eval:
                // The step's token count first: its place on a tokens axis.
                if (const double tokens = e.metric(train::kTokensSeenMetric, -1); tokens >= 0) {
                    ingest(e.step, QString::fromLatin1(train::kTokensSeenMetric), tokens);
                }
                for (const auto& [name, value] : e.metrics) {
                    if (name == train::kTokensSeenMetric) continue;
                    const QString metric = QString::fromStdString(name);
                    // Events of steps already read from the file are skipped, not redone.
                    const auto x = m_place.at(e.step);
                    if (x && m_lastStep.contains(metric) && *x <= m_lastStep[metric]) continue;
                    ingest(e.step, metric, value);
                }
                break;
            case train::EventKind::StageChanged:
                m_nextStageName = QString::fromStdString(e.message);
                break;
            case train::EventKind::Resumed:
                showRun(m_runId);  // the file holds the steps up to the checkpoint
                break;
            default:
                break;
        }
        if (e.kind == train::EventKind::Message) {
            m_status->setText(QString::fromStdString(e.message));
        } else if (e.kind == train::EventKind::Step) {
            m_status->setText(tr("step %1 / %2, %3 left")
                                  .arg(e.step)
                                  .arg(e.totalSteps)
                                  .arg(durationText(e.etaSeconds)));
        } else if (e.isTerminal() || e.kind == train::EventKind::Paused) {
            m_status->setText(QString::fromUtf8(train::toString(e.kind)) + ": " +
                              QString::fromStdString(e.message));
        }
    }
}

void LivePlotsPane::poll() {
    if (m_runId <= 0 || !m_bridge->isOpen()) return;
    // While events feed the charts (and just after), rows of steps already shown are skipped;
    // a run of another process that redoes steps (resumed) has them replaced.
    const bool byEvents = followedByEvents();
    const bool appendOnly = byEvents || m_catchingUp;
    const auto rows = m_bridge->metricsSince(m_runId, m_lastRowId, kPollRows);
    for (const auto& r : rows) {
        const QString name = QString::fromStdString(r.name);
        const auto x = m_place.at(r.step);
        if (appendOnly && x && name != QLatin1String("curriculum/stage")) {
            const auto last = m_lastStep.find(name);
            if (last != m_lastStep.end() && *x <= *last) continue;
        }
        if (appendOnly && x && name == QLatin1String("curriculum/stage") && !m_stageStarts.empty() &&
            *x <= m_stageStarts.back().first) {
            continue;
        }
        ingest(r.step, name, r.value);
    }
    if (!rows.empty()) m_lastRowId = rows.back().rowId;
    if (!byEvents && rows.size() < kPollRows) m_catchingUp = false;
}

void LivePlotsPane::updateStages() {
    QVector<StageBand> bands;
    for (std::size_t i = 0; i < m_stageStarts.size(); ++i) {
        const auto [start, stage] = m_stageStarts[i];
        const double end = i + 1 < m_stageStarts.size()
                               ? static_cast<double>(m_stageStarts[i + 1].first - 1)
                               : m_lastStepSeen;
        const auto name = m_stageNames.find(stage);
        const QString label = name == m_stageNames.end() || name->second.isEmpty()
                                  ? tr("stage %1").arg(stage)
                                  : QStringLiteral("%1 %2").arg(stage).arg(name->second);
        bands.append({static_cast<double>(start), end, label});
    }
    for (MetricPlot* p : m_plots) p->setStages(bands);
}

void LivePlotsPane::flush() {
    // A chart colours its series in the order they first arrive. QHash's order changes from one
    // process to the next, so the names are sorted: training metrics, then per-tier ones, then
    // held-out ones, each alphabetically; the same run gets the same colours every time.
    QStringList names;
    for (auto it = m_buffers.cbegin(); it != m_buffers.cend(); ++it) {
        if (!it->steps.isEmpty()) names << it.key();
    }
    const auto rank = [](const QString& n) {
        return n.startsWith(QLatin1String("eval/")) ? 2 : n.startsWith(QLatin1String("tier/")) ? 1 : 0;
    };
    std::sort(names.begin(), names.end(), [&rank](const QString& a, const QString& b) {
        return rank(a) != rank(b) ? rank(a) < rank(b) : a < b;
    });
    QSet<MetricPlot*> touched;
    for (const QString& name : names) {
        Buffer& b = m_buffers[name];
        MetricPlot* p = m_plots[plotIndexFor(name)];
        p->addPoints(name, b.steps, b.values);
        b.steps.clear();
        b.values.clear();
        touched.insert(p);
    }
    for (auto it = m_errorBuffers.begin(); it != m_errorBuffers.end(); ++it) {
        if (it->steps.isEmpty()) continue;
        MetricPlot* p = m_plots[plotIndexFor(it.key())];
        p->setErrors(it.key(), it->steps, it->values);
        it->steps.clear();
        it->values.clear();
        touched.insert(p);
    }
    if (m_stagesDirty) {
        updateStages();
        m_stagesDirty = false;
        for (MetricPlot* p : m_plots) touched.insert(p);
    }
    if (!touched.isEmpty() && std::chrono::steady_clock::now() - m_alertsRead > std::chrono::seconds(10)) {
        updateAlerts();
    }
    for (MetricPlot* p : touched) p->refresh();
}

void LivePlotsPane::showPairsAt(double x) {
    if (m_runId <= 0 || !m_bridge->isOpen()) return;
    // The run's own step nearest the click (a parent's part of the axis: its first step).
    double step = x - m_place.offset();
    if (!m_stepAt.empty()) {
        auto it = m_stepAt.lower_bound(x);  // the first point at or after x
        if (it == m_stepAt.end() || (it != m_stepAt.begin() && x - std::prev(it)->first < it->first - x)) {
            it = std::prev(it);
        }
        step = static_cast<double>(it->second);
    }
    const auto at = m_bridge->nearestMarginStep(m_runId, step);
    if (!at) {
        m_status->setText(tr("Run #%1 stored no pair margins at its evaluations (margin_pairs 0, "
                             "or a run from before they were kept): no pairs to show.")
                              .arg(m_runId));
        return;
    }
    auto* dialog = new PairsAtStepDialog(m_runId, *at, m_bridge->marginsAtStep(m_runId, *at), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PairsAtStepDialog::openPair, this, &LivePlotsPane::pairRequested);
    dialog->show();
}

void LivePlotsPane::showPairLearning() {
    if (m_runId <= 0 || !m_bridge->isOpen()) return;
    auto dynamics = m_bridge->pairDynamics(m_runId);
    if (dynamics.empty()) {
        m_status->setText(tr("Run #%1 stored no pair margins at two evaluations or more: no "
                             "pair learning to show.")
                              .arg(m_runId));
        return;
    }
    auto* dialog = new PairLearningDialog(m_runId, std::move(dynamics), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PairLearningDialog::openPair, this, &LivePlotsPane::pairRequested);
    dialog->show();
}

void LivePlotsPane::updateAlerts() {
    m_alertsRead = std::chrono::steady_clock::now();
    // From the charts' own points: no reading of the file on the GUI thread.
    train::MetricSeries series;
    for (const auto& name : train::alertMetrics()) {
        const QString metric = QString::fromStdString(name);
        const int index = plotIndexFor(metric);
        if (index < 0 || index >= m_plots.size()) continue;
        const auto data = m_plots[index]->rawData(metric);
        if (!data) continue;
        auto& points = series[name];
        points.reserve(static_cast<std::size_t>(data->size()));
        for (auto it = data->constBegin(); it != data->constEnd(); ++it) {
            points.emplace_back(static_cast<std::int64_t>(it->key), it->value);
        }
    }
    QVector<QVector<PlotMark>> marks(m_plots.size());
    for (const auto& a : train::findRunAlerts(series)) {
        const int index = plotIndexFor(QString::fromStdString(a.metric));
        if (index >= 0 && index < marks.size()) {
            marks[index].append({static_cast<double>(a.step), QString::fromStdString(a.title)});
        }
    }
    for (int i = 0; i < m_plots.size(); ++i) m_plots[i]->setMarks(marks[i]);
}

bool LivePlotsPane::exportTo(const QString& path, QString* error) {
    flush();
    return exportPlotsByName(m_plots, path, kColumns, QSize(560, 320), error);
}

void LivePlotsPane::exportDialog() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Charts"), QStringLiteral("run-%1.png").arg(m_runId), plotExportFilter());
    if (path.isEmpty()) return;
    QString error;
    if (!exportTo(path, &error)) QMessageBox::warning(this, tr("Export failed"), error);
}

}  // namespace ladder::ui
