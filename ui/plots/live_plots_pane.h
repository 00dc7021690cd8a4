// The Plots pane: the charts of one run while it trains (loss, reward margins, accuracy and win
// rate, log-probs, rewards, learning rate, gradient norm, throughput; per-tier lines; curriculum
// stages as bands). A run of this window is followed through its events; a run of another
// process (ladder-cli on the same file) by reading the rows added since the last look.
#pragma once

#include <chrono>

#include <cstdint>
#include <map>
#include <vector>

#include <QHash>
#include <QList>
#include <QVector>
#include <QWidget>

#include "core/train/run_lineage.h"
#include "core/train/training_event.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QTimer;

namespace ladder::ui {

class MetricPlot;
class RunQueue;
class RunsBridge;
class WorkspaceSession;

class LivePlotsPane final : public QWidget {
    Q_OBJECT
public:
    LivePlotsPane(WorkspaceSession* session, RunQueue* queue, QWidget* parent = nullptr);
    ~LivePlotsPane() override;

    // The chart a metric goes to (its index in plots()), or -1 for metrics not charted here.
    [[nodiscard]] static int plotIndexFor(const QString& metric);
    [[nodiscard]] static QStringList plotTitles();

    // Shows a run from its first recorded step and follows it.
    void showRun(std::int64_t runId);
    [[nodiscard]] std::int64_t runId() const { return m_runId; }
    [[nodiscard]] const QList<MetricPlot*>& plots() const { return m_plots; }
    [[nodiscard]] MetricPlot* plot(const QString& title) const;

    void setSmoothing(double weight);  // 0..0.99
    void setLogY(bool on);
    bool exportTo(const QString& path, QString* error);  // by suffix: png, svg, pdf, csv

    // The timers' work, public for tests: adds buffered points to the charts; reads rows a run of
    // another process wrote since the last look; refreshes the list of runs.
    void flush();
    void poll();
    void reloadRuns();
    // A click on a chart at `x` (a step, or tokens on the tokens axis): the pairs whose margins
    // the run measured at the evaluation nearest it, in a dialog (PairsAtStepDialog); the status
    // line says when it measured none.
    void showPairsAt(double x);
    // The charts' x: the run's steps, or the tokens it trained on (after its parent's with
    // After parent).
    void setAxis(train::ChainAxis axis);
    [[nodiscard]] train::ChainAxis axis() const;
    // The run's pair learning: learned, never learned, forgotten per tier or source
    // (PairLearningDialog); the status line says when it measured none.
    void showPairLearning();

Q_SIGNALS:
    // A pair to open in the Pairs pane (from the pairs behind a point).
    void pairRequested(std::int64_t pairId);

private:
    void buildUi();
    void clear();
    void loadHistory();
    void loadAncestors();
    // A recorded value at the run's own step: placed on the axis, or parked until the step's
    // token count arrives (tokens axis).
    void ingest(std::int64_t step, const QString& name, double value);
    void place(double x, std::int64_t step, const QString& name, double value);
    void onEvents(const std::vector<train::TrainingEvent>& events);
    void updateStages();
    void loadStageNames();
    void exportDialog();
    [[nodiscard]] bool followedByEvents() const;

    WorkspaceSession* m_session;
    RunQueue* m_queue;
    RunsBridge* m_bridge;
    QComboBox* m_runs = nullptr;
    QCheckBox* m_followNewest = nullptr;
    QSlider* m_smoothing = nullptr;
    QLabel* m_smoothingLabel = nullptr;
    QCheckBox* m_logY = nullptr;
    // A run from another run's checkpoint drawn after its parents' steps (run_lineage.h), with
    // their lines up to the branching point; m_place says where its own steps lie.
    QCheckBox* m_chained = nullptr;
    QComboBox* m_axis = nullptr;  // steps or tokens
    train::RunAxis m_place;
    struct Parked {
        std::int64_t step;
        QString name;
        double value;
    };
    std::vector<Parked> m_parked;        // values whose step's tokens are not known yet
    static constexpr std::size_t kMaxParked = 100'000;
    std::map<double, std::int64_t> m_stepAt;  // x -> the run's own step (a click's pairs)
    QCheckBox* m_legends = nullptr;
    QLabel* m_status = nullptr;
    // The run's alerts (core/train/run_alerts.h) as marks on the charts of their metrics: read
    // when a run is shown, then at most every 10 s while new points arrive.
    void updateAlerts();
    std::chrono::steady_clock::time_point m_alertsRead{};
    QList<MetricPlot*> m_plots;
    QTimer* m_flushTimer = nullptr;
    QTimer* m_pollTimer = nullptr;

    std::int64_t m_runId = 0;
    std::int64_t m_lastRowId = 0;
    struct Buffer {
        QVector<double> steps;
        QVector<double> values;
    };
    QHash<QString, Buffer> m_buffers;     // points not yet on a chart
    QHash<QString, Buffer> m_errorBuffers;  // standard errors (by the series they belong to)
    QHash<QString, double> m_lastStep;    // per series: the x of the last step seen (a step, or tokens)
    std::vector<std::pair<double, int>> m_stageStarts;  // (x of its first step, stage number)
    std::map<int, QString> m_stageNames;  // stage number (1-based) -> name
    QString m_nextStageName;              // from a StageChanged event, for the next stage seen
    double m_lastStepSeen = 0;            // the x of the last step seen, any series
    bool m_stagesDirty = false;
    bool m_catchingUp = false;  // the run this window trained has just ended
};

}  // namespace ladder::ui
