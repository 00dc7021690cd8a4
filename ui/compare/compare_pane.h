// The Compare pane: any saved runs, of this workspace or of other .ladder files opened read-only,
// side by side: one metric overlaid with a colour per run and a legend naming the settings in
// which the runs differ; the settings table (differences, or all); last and best values of the
// key metrics with the judged win rate; and each run's answers to the same prompts.
#pragma once

#include <cstdint>
#include <vector>

#include <QWidget>

#include "core/train/run_lineage.h"
#include "ui/bridge/run_sources.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QStandardItem;
class QStandardItemModel;
class QTableView;
class QTimer;
class QTreeView;

namespace ladder::ui {

class RunsBridge;
class ConfigDiffModel;
class FinalMetricsModel;
class MetricPlot;
class SamplesModel;
class WorkspaceSession;

class ComparePane final : public QWidget {
    Q_OBJECT
public:
    ComparePane(WorkspaceSession* session, QWidget* parent = nullptr);

    // Adds another workspace's runs to the list (read-only); false with *error when it fails.
    bool addWorkspace(const QString& path, QString* error);
    // Checks (or unchecks) a run in the list; the comparison follows at once.
    void setRunChecked(const RunRef& run, bool checked);
    [[nodiscard]] std::vector<RunRef> checkedRuns() const;
    void setMetric(const QString& name);
    // The chart's x: steps, or the tokens each run trained on.
    void setAxis(train::ChainAxis axis);
    [[nodiscard]] QString metric() const;

    [[nodiscard]] MetricPlot* plot() const { return m_plot; }
    [[nodiscard]] ConfigDiffModel* configModel() const { return m_configModel; }
    [[nodiscard]] FinalMetricsModel* resultsModel() const { return m_resultsModel; }
    [[nodiscard]] SamplesModel* samplesModel() const { return m_samplesModel; }
    [[nodiscard]] QStandardItemModel* runsModel() const { return m_runsModel; }

    // Reads the runs of every source again (keeps the checks).
    void reloadRuns();
    // Recomputes the comparison of the checked runs now (edits schedule it).
    void compare();

private:
    void buildUi();
    void scheduleCompare();
    void fillPlot();
    [[nodiscard]] QString runLabel(const RunRef& ref) const;

    WorkspaceSession* m_session;
    RunsBridge* m_bridge = nullptr;
    RunSources* m_sources = nullptr;  // the bridge's
    QStandardItemModel* m_runsModel = nullptr;
    QTreeView* m_runsView = nullptr;
    QComboBox* m_metric = nullptr;
    QCheckBox* m_logY = nullptr;
    QCheckBox* m_chained = nullptr;  // runs drawn after their parents' steps (run_lineage.h)
    QComboBox* m_axis = nullptr;     // steps or tokens
    QCheckBox* m_showAll = nullptr;
    QLabel* m_hint = nullptr;
    MetricPlot* m_plot = nullptr;
    ConfigDiffModel* m_configModel = nullptr;
    FinalMetricsModel* m_resultsModel = nullptr;
    SamplesModel* m_samplesModel = nullptr;
    QTableView* m_samplesView = nullptr;
    QTimer* m_compareTimer = nullptr;
    std::vector<RunRef> m_compared;
    std::vector<QString> m_legend;  // per compared run: its label with the differing settings
    bool m_reloading = false;
};

}  // namespace ladder::ui
