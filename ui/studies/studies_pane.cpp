#include "ui/studies/studies_pane.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "ui/bridge/study_bridge.h"
#include "ui/bridge/workspace_session.h"
#include "ui/plots/plot_export.h"
#include "ui/plots/plot_style.h"
#include "ui/qcustomplot_wrapper.h"

namespace ladder::ui {
namespace {

constexpr int kPollMs = 3000;  // runs of a `ladder-cli study run` on the same file finish too

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

}  // namespace

StudiesPane::StudiesPane(WorkspaceSession* session, QWidget* parent)
    : QWidget(parent), m_session(session) {
    setObjectName("studiesPane");
    m_job = new StudyJob(this);
    buildUi();
    connect(m_session, &WorkspaceSession::opened, this, &StudiesPane::reload);
    connect(m_session, &WorkspaceSession::closed, this, &StudiesPane::reload);
    connect(m_session, &WorkspaceSession::contentsChanged, this, &StudiesPane::reload);
    connect(m_job, &StudyJob::progress, this, [this](const QString& text) {
        m_status->setText(text);
        // The study is in the workspace once its runner has opened it: show it then.
        if (!m_selectStudy.isEmpty() && studyNames(m_session).contains(m_selectStudy)) {
            reload();
            setStudy(m_selectStudy);
            m_selectStudy.clear();
        }
    });
    connect(m_job, &StudyJob::runEnded, this, &StudiesPane::reload);
    connect(m_job, &StudyJob::finished, this, [this](const QString& summary) {
        m_status->setText(summary);
        reload();
        updateButtons();
    });
    m_poll = new QTimer(this);
    m_poll->setInterval(kPollMs);
    connect(m_poll, &QTimer::timeout, this, [this] {
        if (isVisible()) reload();
    });
    m_poll->start();
    reload();
}

void StudiesPane::buildUi() {
    m_studies = new QComboBox(this);
    m_studies->setObjectName("studyChoice");
    m_studies->setMinimumContentsLength(28);
    m_studies->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_run = new QPushButton(tr("Run Study..."), this);
    m_run->setObjectName("runStudy");
    m_run->setToolTip(
        tr("Start a study file (resources/studies has the demo's), or continue one "
           "stopped earlier: its finished runs are kept (Ctrl+Shift+R)"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName("stopStudy");
    m_stop->setToolTip(
        tr("Stop the study after a checkpoint of the run in progress; Run Study "
           "continues it (Ctrl+.)"));
    m_status = new QLabel(this);
    m_status->setObjectName("studyStatus");
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Study:"), this));
    bar->addWidget(m_studies);
    bar->addWidget(m_run);
    bar->addWidget(m_stop);
    bar->addWidget(m_status, 1);

    m_model = new QStandardItemModel(this);
    m_view = new QTableView(this);
    m_view->setObjectName("studyTable");
    m_view->setModel(m_model);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->setAlternatingRowColors(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    auto* exportCsvButton = new QPushButton(tr("Export CSV..."), this);
    m_against = new QComboBox(this);
    m_against->setObjectName("studyAgainst");
    m_against->setToolTip(
        tr("Each group's difference from this group's run of the same seed "
           "(they share the parent run and the data order), mean ± standard "
           "error over the seeds both have"));
    auto* tableBox = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_view, 1);
    auto* tableButtons = new QHBoxLayout;
    tableButtons->addWidget(new QLabel(tr("Differences from:"), this));
    tableButtons->addWidget(m_against);
    tableButtons->addStretch(1);
    tableButtons->addWidget(exportCsvButton);
    tableLayout->addLayout(tableButtons);

    m_metric = new QComboBox(this);
    m_metric->setObjectName("studyMetric");
    auto* saveChartButton = new QPushButton(tr("Save Chart..."), this);
    m_chart = new QCustomPlot(this);
    m_chart->setObjectName("studyChart");
    m_chart->setMinimumHeight(220);
    auto* chartBox = new QWidget(this);
    auto* chartLayout = new QVBoxLayout(chartBox);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    auto* chartBar = new QHBoxLayout;
    chartBar->addWidget(new QLabel(tr("Metric:"), this));
    chartBar->addWidget(m_metric);
    chartBar->addStretch(1);
    chartBar->addWidget(saveChartButton);
    chartLayout->addLayout(chartBar);
    chartLayout->addWidget(m_chart, 1);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(tableBox);
    splitter->addWidget(chartBox);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    auto* runAction = new QAction(tr("Run Study..."), this);
    runAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    runAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    runAction->setProperty("shortcutArea", tr("Studies"));
    addAction(runAction);
    auto* stopAction = new QAction(tr("Stop Study"), this);
    stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    stopAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    stopAction->setProperty("shortcutArea", tr("Studies"));
    addAction(stopAction);
    connect(stopAction, &QAction::triggered, this, &StudiesPane::stopStudy);
    auto pickAndRun = [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Run Study"), QString(),
                                                          tr("Study files (*.json)"));
        if (path.isEmpty()) return;
        QString error;
        if (!runStudyFile(path, &error))
            QMessageBox::warning(this, tr("Cannot run the study"), error);
    };
    connect(m_run, &QPushButton::clicked, this, pickAndRun);
    connect(runAction, &QAction::triggered, this, pickAndRun);
    connect(m_stop, &QPushButton::clicked, this, &StudiesPane::stopStudy);
    connect(m_studies, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_reloading) reload();
    });
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_reloading) fillChart();
    });
    connect(m_against, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_reloading) reload();
    });
    connect(exportCsvButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Study Table"),
                                                          m_studies->currentText() + ".csv",
                                                          tr("CSV files (*.csv)"));
        QString error;
        if (!path.isEmpty() && !exportCsv(path, &error)) {
            QMessageBox::warning(this, tr("Cannot export"), error);
        }
    });
    connect(saveChartButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save Study Chart"), m_studies->currentText() + ".png",
            tr("PNG image (*.png);;SVG image (*.svg);;PDF document (*.pdf)"));
        QString error;
        if (!path.isEmpty() && !saveChart(path, &error)) {
            QMessageBox::warning(this, tr("Cannot save the chart"), error);
        }
    });
    updateButtons();
}

bool StudiesPane::runStudyFile(const QString& path, QString* error) {
    if (!m_session->workspace()) {
        if (error) *error = tr("open a workspace first");
        return false;
    }
    if (m_session->isReadOnly()) {
        if (error) *error = tr("the workspace is open read-only: a study writes its runs into it");
        return false;
    }
    if (!m_job->start(m_session->path(), path, error)) return false;
    m_status->setText(tr("study '%1' starting...").arg(m_job->studyName()));
    updateButtons();
    m_selectStudy = m_job->studyName();
    reload();
    setStudy(m_selectStudy);
    return true;
}

void StudiesPane::stopStudy() {
    if (!m_job->isRunning()) return;
    m_job->stop();
    m_status->setText(tr("stopping study '%1' after a checkpoint...").arg(m_job->studyName()));
}

void StudiesPane::setStudy(const QString& name) {
    const int index = m_studies->findText(name);
    if (index >= 0) m_studies->setCurrentIndex(index);
}

void StudiesPane::setMetric(const QString& metric) {
    const int index = m_metric->findData(metric);
    if (index >= 0) m_metric->setCurrentIndex(index);
}

void StudiesPane::setAgainst(const QString& group) {
    const int index = m_against->findData(group);
    if (index >= 0) m_against->setCurrentIndex(index);
}

void StudiesPane::updateButtons() {
    m_stop->setEnabled(m_job->isRunning());
    m_run->setEnabled(!m_job->isRunning());
}

void StudiesPane::reload() {
    m_reloading = true;
    const QString current = m_studies->currentText();
    const QStringList names = studyNames(m_session);
    QStringList shown;
    for (int i = 0; i < m_studies->count(); ++i) shown << m_studies->itemText(i);
    if (shown != names) {
        m_studies->clear();
        m_studies->addItems(names);
        const int index = names.indexOf(current);
        m_studies->setCurrentIndex(index >= 0 ? index : names.size() - 1);  // the newest
    }
    m_table.reset();
    if (!m_studies->currentText().isEmpty()) {
        QString error;
        m_table = studyTable(m_session, m_studies->currentText(), &error);
        if (!m_table && !error.isEmpty() && !m_job->isRunning()) m_status->setText(error);
    }
    const QString metric = m_metric->currentData().toString();
    m_metric->clear();
    if (m_table) {
        for (const auto& m : m_table->metrics) m_metric->addItem(q(m), q(m));
        const int index = m_metric->findData(metric);
        m_metric->setCurrentIndex(index >= 0 ? index : 0);
    }
    // The baseline: the one chosen for this study, else (another study chosen) the study file's.
    const bool otherStudy = m_studies->currentText() != m_tableStudy;
    m_tableStudy = m_studies->currentText();
    const QString against = otherStudy ? (m_table ? q(m_table->baseline) : QString())
                                       : m_against->currentData().toString();
    m_against->clear();
    m_against->addItem(tr("(none: the values)"), QString());
    if (m_table) {
        for (const auto& row : m_table->rows) m_against->addItem(q(row.group), q(row.group));
    }
    const int againstIndex = m_against->findData(against);
    m_against->setCurrentIndex(againstIndex >= 0 ? againstIndex : 0);
    m_shown = m_table;
    m_differences = m_table && !m_against->currentData().toString().isEmpty();
    if (m_differences) {
        m_shown =
            study::differencesFrom(*m_table, m_against->currentData().toString().toStdString());
    }
    m_reloading = false;
    // The poll finds the same table most of the time: the view keeps its selection and scroll.
    std::string signature = m_tableStudy.toStdString() + (m_differences ? "-" : "+");
    if (m_shown) signature += study::studyTableCsv(*m_shown);
    if (signature != m_signature || m_model->rowCount() == 0) {
        m_signature = signature;
        fillTable();
        fillChart();
    }
    updateButtons();
}

void StudiesPane::fillTable() {
    m_model->clear();
    if (!m_shown) return;
    const bool differences = m_differences;
    QStringList header = {tr("Group"), differences ? tr("Seeds paired") : tr("Runs")};
    for (const auto& m : m_shown->metrics)
        header << q(m) + (study::isWinRateMetric(m) ? tr(" (%)") : QString());
    m_model->setHorizontalHeaderLabels(header);
    for (const auto& row : m_shown->rows) {
        QList<QStandardItem*> items;
        items << new QStandardItem(q(row.group));
        items << new QStandardItem(differences
                                       ? QString::number(row.finished)
                                       : QStringLiteral("%1/%2").arg(row.finished).arg(row.points));
        for (std::size_t m = 0; m < m_shown->metrics.size(); ++m) {
            auto* item = new QStandardItem(
                q(study::formatValue(m_shown->metrics[m], row.metrics[m], differences)));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (row.metrics[m]) {
                item->setToolTip(tr("%1 runs: mean %2, standard error %3")
                                     .arg(row.metrics[m]->n)
                                     .arg(row.metrics[m]->mean, 0, 'g', 6)
                                     .arg(row.metrics[m]->standardError, 0, 'g', 6));
            }
            items << item;
        }
        m_model->appendRow(items);
    }
}

void StudiesPane::fillChart() {
    m_chart->clearPlottables();
    const bool differences = m_differences;
    // The active colours: the pane is disabled while no workspace is open, and its disabled
    // text colour would stay on the axes.
    QPalette active = palette();
    active.setCurrentColorGroup(QPalette::Active);
    const PlotStyle style = PlotStyle::fromPalette(active);
    style.applyTo(m_chart);
    const std::string metric = m_metric->currentData().toString().toStdString();
    std::size_t column = 0;
    bool found = false;
    if (m_shown) {
        for (std::size_t m = 0; m < m_shown->metrics.size(); ++m) {
            if (m_shown->metrics[m] == metric) {
                column = m;
                found = true;
            }
        }
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    if (!found) {
        m_chart->xAxis->setTicker(ticker);
        m_chart->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const double scale = study::isWinRateMetric(metric) ? 100.0 : 1.0;
    QVector<double> keys, values, errors, parentKeys, parentValues, parentErrors;
    double lo = 0, hi = 0;
    for (std::size_t r = 0; r < m_shown->rows.size(); ++r) {
        const auto& row = m_shown->rows[r];
        const double key = static_cast<double>(r + 1);
        // A word a line: eight groups' names fit side by side without turning them.
        ticker->addTick(key, q(row.group)
                                 .replace(QStringLiteral(", "), QStringLiteral(" "))
                                 .replace(QLatin1Char(' '), QLatin1Char('\n')));
        if (!row.metrics[column]) continue;
        const double value = row.metrics[column]->mean * scale;
        const double error = row.metrics[column]->standardError * scale;
        (row.isParent ? parentKeys : keys) << key;
        (row.isParent ? parentValues : values) << value;
        (row.isParent ? parentErrors : errors) << error;
        lo = std::min(lo, value - error);
        hi = std::max(hi, value + error);
    }
    auto addBars = [&](const QVector<double>& k, const QVector<double>& v, const QVector<double>& e,
                       const QColor& color) {
        if (k.isEmpty()) return;
        auto* bars = new QCPBars(m_chart->xAxis, m_chart->yAxis);
        bars->setWidth(0.6);
        bars->setData(k, v, true);
        QColor fill = color;
        fill.setAlpha(160);
        bars->setBrush(fill);
        bars->setPen(QPen(color));
        auto* errorBars = new QCPErrorBars(m_chart->xAxis, m_chart->yAxis);
        errorBars->setDataPlottable(bars);
        errorBars->setData(e);
        errorBars->setPen(QPen(style.foreground, 1.5));
        errorBars->setWhiskerWidth(10);
    };
    addBars(parentKeys, parentValues, parentErrors, style.grid.darker(150));
    addBars(keys, values, errors, style.seriesColor(0));
    m_chart->xAxis->setTicker(ticker);
    m_chart->xAxis->setTickLabelRotation(m_shown->rows.size() > 12 ? 30 : 0);
    m_chart->xAxis->setSubTicks(false);
    m_chart->xAxis->grid()->setVisible(false);
    m_chart->xAxis->setRange(0.4, static_cast<double>(m_shown->rows.size()) + 0.6);
    const double pad = (hi - lo) * 0.08 + (hi == lo ? 1.0 : 0.0);
    m_chart->yAxis->setRange(lo < 0 ? lo - pad : 0, hi + pad);
    // Short enough for the axis of a small window: the metric's last part, the baseline.
    const QString name = q(metric).section(QLatin1Char('/'), -1);
    const QString what = differences ? tr("%1 − %2").arg(name, q(m_shown->baseline)) : name;
    m_chart->yAxis->setLabel(what + (study::isWinRateMetric(metric) ? tr(" (%)") : QString()));
    m_chart->replot(QCustomPlot::rpQueuedReplot);
}

bool StudiesPane::exportCsv(const QString& path, QString* error) {
    if (!m_table) {
        if (error) *error = tr("no study is shown");
        return false;
    }
    return writeStudyCsv(*m_shown, path, error);
}

bool StudiesPane::saveChart(const QString& path, QString* error) {
    const QSize size = m_chart->size().isEmpty() ? QSize(900, 420) : m_chart->size();
    return exportCharts({m_chart}, path, 1, size, error);
}

}  // namespace ladder::ui
