#include "ui/compare/compare_pane.h"

#include <algorithm>
#include <iterator>
#include <set>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include "core/train/config_diff.h"
#include "ui/bridge/runs_bridge.h"
#include "ui/bridge/workspace_session.h"
#include "ui/compare/config_diff_model.h"
#include "ui/compare/final_metrics_model.h"
#include "ui/compare/samples_model.h"
#include "ui/flow_layout.h"
#include "ui/plots/metric_plot.h"
#include "ui/runs/run_text.h"

namespace ladder::ui {

namespace {

constexpr int kSourceRole = Qt::UserRole + 1;
constexpr int kRunRole = Qt::UserRole + 2;
constexpr int kDefaultChecked = 2;  // the newest finished runs checked when nothing is
constexpr std::size_t kSamplesPerRun = 300;
constexpr const char* kSplitterKey = "compare/splitter";
constexpr const char* kRightSplitterKey = "compare/rightSplitter";

QString q(const std::string& s) { return QString::fromStdString(s); }

// The metric list in groups a reviewer reads in this order: the win rate first (what the paper
// reports), then the held-out scores, the training curves, per-tier curves, optimiser and speed.
constexpr const char* kMetricGroups[] = {
    QT_TRANSLATE_NOOP("ComparePane", "Win rate"),
    QT_TRANSLATE_NOOP("ComparePane", "Held-out evaluation"),
    QT_TRANSLATE_NOOP("ComparePane", "Training"),
    QT_TRANSLATE_NOOP("ComparePane", "Per tier"),
    QT_TRANSLATE_NOOP("ComparePane", "Optimiser and speed"),
    QT_TRANSLATE_NOOP("ComparePane", "Other")};

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

int metricGroup(const std::string& name) {
    if (name == "eval/win_rate") return 0;
    if (startsWith(name, "tier/") || startsWith(name, "eval/tier/")) return 3;
    if (startsWith(name, "eval/")) return 1;
    if (name == "loss" || startsWith(name, "rewards/") || startsWith(name, "logps/")) return 2;
    if (name == "learning_rate" || name == "grad_norm" || name == "tokens_per_second" ||
        startsWith(name, "time/")) {
        return 4;
    }
    return 5;
}

// A series' standard errors ride on it as error bars; they are no metric of their own.
bool isErrorSeries(const std::string& name) {
    return name.size() > 7 && name.compare(name.size() - 7, 7, "_stderr") == 0;
}

}  // namespace

ComparePane::ComparePane(WorkspaceSession* session, QWidget* parent)
    : QWidget(parent), m_session(session) {
    setObjectName("comparePane");
    m_bridge = new RunsBridge(session, this);
    m_sources = m_bridge->sources();
    m_compareTimer = new QTimer(this);
    m_compareTimer->setSingleShot(true);
    m_compareTimer->setInterval(100);
    connect(m_compareTimer, &QTimer::timeout, this, &ComparePane::compare);
    buildUi();
    connect(m_sources, &RunSources::changed, this, &ComparePane::reloadRuns);
    connect(m_session, &WorkspaceSession::contentsChanged, this, &ComparePane::reloadRuns);
    reloadRuns();
}

void ComparePane::buildUi() {
    m_runsModel = new QStandardItemModel(this);
    m_runsModel->setHorizontalHeaderLabels({tr("Runs to compare")});
    m_runsView = new QTreeView(this);
    m_runsView->setObjectName("compareRuns");
    m_runsView->setModel(m_runsModel);
    m_runsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runsView->setUniformRowHeights(true);
    auto* add = new QPushButton(tr("Add Workspace..."), this);
    add->setToolTip(tr("Compare with runs of another .ladder file (opened read-only)"));
    auto* remove = new QPushButton(tr("Remove"), this);
    remove->setToolTip(tr("Take the selected other workspace off the list"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_runsView, 1);
    leftLayout->addLayout(buttons);

    m_metric = new QComboBox(this);
    m_metric->setObjectName("compareMetric");
    m_metric->setMinimumContentsLength(24);
    m_metric->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_logY = new QCheckBox(tr("Log y"), this);
    m_chained = new QCheckBox(tr("After parents"), this);
    m_chained->setObjectName("compareChained");
    m_chained->setToolTip(tr("A run that started from another run's checkpoint (DPO after SFT) "
                             "continues its parent's steps: drawn after them, with the parent's "
                             "line up to the branching point in front"));
    m_axis = new QComboBox(this);
    m_axis->setObjectName("compareAxis");
    m_axis->addItem(tr("Steps"), static_cast<int>(train::ChainAxis::Steps));
    m_axis->addItem(tr("Tokens"), static_cast<int>(train::ChainAxis::Tokens));
    m_axis->setToolTip(tr("Against optimizer steps, or against the tokens each run trained on "
                          "(prompt and answers of every pair): runs of other batch sizes and "
                          "lengths line up"));
    auto* legend = new QCheckBox(tr("Legend"), this);
    legend->setObjectName("compareLegend");
    legend->setChecked(true);
    legend->setToolTip(tr("The legend below the chart: each run and the settings it differs in"));
    m_hint = new QLabel(this);
    m_hint->setObjectName("compareHint");
    m_hint->setAlignment(Qt::AlignVCenter);
    // The controls wrap (FlowLayout) where the pane is narrow (the Log dock at its side).
    auto* bar = new FlowLayout;
    bar->addPair(new QLabel(tr("Metric:"), this), m_metric);
    bar->addWidget(m_logY);
    bar->addWidget(m_chained);
    bar->addPair(new QLabel(tr("X axis:"), this), m_axis);
    bar->addWidget(legend);
    bar->addWidget(m_hint);
    m_plot = new MetricPlot(tr("Comparison"), this);
    m_plot->setObjectName("comparePlot");
    connect(legend, &QCheckBox::toggled, m_plot, &MetricPlot::setLegendShown);
    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addLayout(bar);
    topLayout->addWidget(m_plot, 1);

    m_configModel = new ConfigDiffModel(this);
    auto* configView = new QTableView(this);
    configView->setObjectName("compareSettings");
    configView->setModel(m_configModel);
    configView->verticalHeader()->hide();
    configView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    configView->setAlternatingRowColors(true);
    m_showAll = new QCheckBox(tr("Show all settings"), this);
    m_showAll->setObjectName("compareShowAll");
    auto* settingsTab = new QWidget(this);
    auto* settingsLayout = new QVBoxLayout(settingsTab);
    settingsLayout->addWidget(configView, 1);
    settingsLayout->addWidget(m_showAll);

    m_resultsModel = new FinalMetricsModel(this);
    auto* resultsView = new QTableView(this);
    resultsView->setObjectName("compareResults");
    resultsView->setModel(m_resultsModel);
    resultsView->verticalHeader()->hide();
    resultsView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    resultsView->setAlternatingRowColors(true);

    m_samplesModel = new SamplesModel(this);
    m_samplesView = new QTableView(this);
    m_samplesView->setObjectName("compareSamples");
    m_samplesView->setModel(m_samplesModel);
    m_samplesView->setWordWrap(true);
    m_samplesView->verticalHeader()->hide();
    // Rows of four lines: a long answer is cut (its tooltip has it whole), so that a screen
    // shows many prompts, not one.
    m_samplesView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_samplesView->verticalHeader()->setDefaultSectionSize(4 * fontMetrics().lineSpacing() + 8);
    m_samplesView->setTextElideMode(Qt::ElideRight);
    m_samplesView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_samplesView->setAlternatingRowColors(true);

    auto* tabs = new QTabWidget(this);
    tabs->setObjectName("compareTabs");
    tabs->setDocumentMode(true);
    tabs->addTab(settingsTab, tr("Settings"));
    tabs->addTab(resultsView, tr("Results"));
    tabs->addTab(m_samplesView, tr("Answers"));

    auto* right = new QSplitter(Qt::Vertical, this);
    right->setObjectName("compareRightSplitter");
    right->addWidget(top);
    right->addWidget(tabs);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName("compareSplitter");
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    QSettings settings;
    splitter->restoreState(settings.value(kSplitterKey).toByteArray());
    right->restoreState(settings.value(kRightSplitterKey).toByteArray());
    connect(splitter, &QSplitter::splitterMoved, this,
            [splitter] { QSettings().setValue(kSplitterKey, splitter->saveState()); });
    connect(right, &QSplitter::splitterMoved, this,
            [right] { QSettings().setValue(kRightSplitterKey, right->saveState()); });

    connect(m_runsModel, &QStandardItemModel::itemChanged, this, [this] {
        if (!m_reloading) scheduleCompare();
    });
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_reloading) fillPlot();
    });
    connect(m_logY, &QCheckBox::toggled, m_plot, &MetricPlot::setLogY);
    connect(m_chained, &QCheckBox::toggled, this, [this] { fillPlot(); });
    connect(m_axis, &QComboBox::currentIndexChanged, this, [this] {
        m_plot->xAxis->setLabel(m_axis->currentData().toInt() == static_cast<int>(train::ChainAxis::Tokens)
                                    ? tr("tokens")
                                    : tr("step"));
        fillPlot();
    });
    connect(m_showAll, &QCheckBox::toggled, m_configModel, &ConfigDiffModel::setShowAll);
    connect(add, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Compare with Runs of"), QString(), tr("Ladder workspaces (*.ladder)"));
        if (path.isEmpty()) return;
        QString error;
        if (!addWorkspace(path, &error)) QMessageBox::warning(this, tr("Cannot open workspace"), error);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const QModelIndex index = m_runsView->currentIndex();
        if (!index.isValid()) return;
        m_sources->removeWorkspace(index.data(kSourceRole).toInt());
    });
}

bool ComparePane::addWorkspace(const QString& path, QString* error) {
    return m_sources->addWorkspace(path, error) >= 0;
}

void ComparePane::reloadRuns() {
    std::set<RunRef> checked;
    for (const RunRef& r : checkedRuns()) checked.insert(r);
    // The same files: keep the checks. A workspace newly opened: check its newest finished runs.
    const bool fresh = m_runsModel->rowCount() == 0 ||
                       m_runsModel->item(0)->data(Qt::ToolTipRole).toString() != m_sources->path(0);
    if (fresh) checked.erase(checked.begin(), checked.lower_bound(RunRef{1, 0}));
    m_reloading = true;
    m_runsModel->removeRows(0, m_runsModel->rowCount());
    for (int source = 0; source < m_sources->count(); ++source) {
        if (!m_sources->db(source)) continue;
        auto* group = new QStandardItem(source == 0 ? tr("%1 (this workspace)").arg(m_sources->fileName(0))
                                                    : tr("%1 (read-only)").arg(m_sources->fileName(source)));
        group->setData(source, kSourceRole);
        group->setData(m_sources->path(source), Qt::ToolTipRole);
        group->setSelectable(true);
        m_runsModel->appendRow(group);
        const std::vector<store::RunRecord> runs = m_bridge->runs(source);
        int defaults = 0;
        for (const auto& r : runs) {
            auto* item = new QStandardItem(QStringLiteral("%1 \u00b7 %2 \u00b7 %3")
                                               .arg(ui::runLabel(r), q(r.method), q(store::toString(r.status))));
            item->setCheckable(true);
            item->setData(source, kSourceRole);
            item->setData(QVariant::fromValue<qlonglong>(r.id), kRunRole);
            const RunRef ref{source, r.id};
            bool on = checked.count(ref) > 0;
            if (fresh && source == 0 && checked.empty() && r.status == store::RunStatus::Finished &&
                defaults < kDefaultChecked) {
                on = true;
                ++defaults;
            }
            item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
            group->appendRow(item);
        }
    }
    m_runsView->expandAll();
    m_reloading = false;
    scheduleCompare();
}

std::vector<RunRef> ComparePane::checkedRuns() const {
    std::vector<RunRef> out;
    for (int g = 0; g < m_runsModel->rowCount(); ++g) {
        QStandardItem* group = m_runsModel->item(g);
        for (int r = 0; r < group->rowCount(); ++r) {
            QStandardItem* item = group->child(r);
            if (item->checkState() == Qt::Checked) {
                out.push_back({item->data(kSourceRole).toInt(), item->data(kRunRole).toLongLong()});
            }
        }
    }
    return out;
}

void ComparePane::setRunChecked(const RunRef& run, bool checked) {
    for (int g = 0; g < m_runsModel->rowCount(); ++g) {
        QStandardItem* group = m_runsModel->item(g);
        for (int r = 0; r < group->rowCount(); ++r) {
            QStandardItem* item = group->child(r);
            if (item->data(kSourceRole).toInt() == run.source &&
                item->data(kRunRole).toLongLong() == run.runId) {
                item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
            }
        }
    }
    compare();
}

void ComparePane::setMetric(const QString& name) {
    const int index = m_metric->findData(name);
    if (index >= 0) m_metric->setCurrentIndex(index);
}

void ComparePane::setAxis(train::ChainAxis axis) {
    m_axis->setCurrentIndex(m_axis->findData(static_cast<int>(axis)));
}

QString ComparePane::metric() const { return m_metric->currentData().toString(); }

QString ComparePane::runLabel(const RunRef& ref) const {
    QString label = QStringLiteral("#%1").arg(ref.runId);
    if (const auto run = m_bridge->run(ref)) label = ui::runLabel(*run);
    if (ref.source > 0) label += QStringLiteral(" [%1]").arg(m_sources->fileName(ref.source));
    return label;
}

void ComparePane::scheduleCompare() { m_compareTimer->start(); }

void ComparePane::compare() {
    m_compareTimer->stop();
    m_compared = checkedRuns();
    QStringList labels;
    std::vector<nlohmann::json> configs;
    std::vector<RunResults> results;
    std::vector<std::vector<eval::SampleRecord>> samples;
    std::set<std::string> metricNames;
    std::vector<std::string> summarized;
    for (const QString& name : FinalMetricsModel::metricNames()) summarized.push_back(name.toStdString());
    for (const RunRef& ref : m_compared) {
        const QString label = runLabel(ref);
        labels << label;
        RunResults row;
        row.label = label;
        RunResultsData data = m_bridge->results(ref, summarized, kSamplesPerRun);
        metricNames.insert(data.metricNames.begin(), data.metricNames.end());
        row.metrics = std::move(data.summaries);
        row.winRate = std::move(data.winRate);
        configs.push_back(std::move(data.config));
        results.push_back(std::move(row));
        samples.push_back(std::move(data.samples));
    }
    const auto fields = train::compareConfigs(configs);
    m_legend.clear();
    for (std::size_t i = 0; i < m_compared.size(); ++i) {
        const std::string differs = train::differenceLabel(fields, i);
        m_legend.push_back(differs.empty() ? labels[static_cast<int>(i)]
                                           : labels[static_cast<int>(i)] + QStringLiteral(": ") + q(differs));
    }
    m_configModel->setRuns(labels, fields);
    m_resultsModel->setRuns(std::move(results));
    m_samplesModel->setRuns(labels, samples);

    int differing = 0;
    for (const auto& f : fields) differing += f.differs ? 1 : 0;
    if (m_compared.size() < 2) {
        m_hint->setText(tr("Check two or more runs to compare them"));
    } else {
        m_hint->setText(tr("%n setting(s) differ", nullptr, differing));
    }

    const QString current = metric();
    m_reloading = true;
    m_metric->clear();
    std::vector<std::vector<std::string>> grouped(std::size(kMetricGroups));
    for (const auto& name : metricNames) {
        if (name.rfind("data/", 0) == 0) continue;  // one value per run: the results table's job
        if (isErrorSeries(name)) continue;
        grouped[static_cast<std::size_t>(metricGroup(name))].push_back(name);
    }
    auto* items = qobject_cast<QStandardItemModel*>(m_metric->model());
    for (std::size_t g = 0; g < grouped.size(); ++g) {
        if (grouped[g].empty()) continue;
        // A heading, not a choice.
        m_metric->addItem(tr(kMetricGroups[g]));
        if (QStandardItem* heading = items ? items->item(m_metric->count() - 1) : nullptr) {
            heading->setFlags(Qt::NoItemFlags);
            QFont bold = heading->font();
            bold.setBold(true);
            heading->setFont(bold);
        }
        for (const auto& name : grouped[g]) {
            const QString text = name == "eval/win_rate" ? tr("eval/win_rate (judged, \u00b1 standard error)")
                                                         : q(name);
            m_metric->addItem(QStringLiteral("   ") + text, q(name));
        }
    }
    int index = m_metric->findData(current);
    for (const char* fallback : {"eval/win_rate", "eval/rewards/accuracies", "loss"}) {
        if (index < 0) index = m_metric->findData(QString::fromLatin1(fallback));
    }
    if (index < 0) index = m_metric->count() > 1 ? 1 : 0;  // the first metric under its heading
    m_metric->setCurrentIndex(index);
    m_reloading = false;
    fillPlot();
}

void ComparePane::fillPlot() {
    m_plot->clearSeries();
    const std::string name = metric().toStdString();
    for (std::size_t i = 0; i < m_compared.size() && !name.empty(); ++i) {
        const RunRef& ref = m_compared[i];
        if (!m_sources->db(ref.source)) continue;
        const auto axis = static_cast<train::ChainAxis>(m_axis->currentData().toInt());
        const auto curve = m_bridge->curve(ref, name, axis, m_chained->isChecked());
        const QVector<double> steps(curve.x.begin(), curve.x.end());
        const QVector<double> values(curve.y.begin(), curve.y.end());
        const QVector<double> errorSteps(curve.errorX.begin(), curve.errorX.end());
        const QVector<double> errors(curve.errors.begin(), curve.errors.end());
        // One series per run, even an empty one, so that colours stay with runs.
        const QString key = QStringLiteral("run %1:%2").arg(ref.source).arg(ref.runId);
        m_plot->setSeriesLabel(key, m_legend[i]);
        m_plot->addPoints(key, steps, values);
        if (!errors.isEmpty()) m_plot->setErrors(key, errorSteps, errors);
    }
    m_plot->fitToData();
}

}  // namespace ladder::ui
