// The run panes' way into the workspace (Launcher, Plots, Runs, Compare): runs and their metrics,
// evaluations, checkpoints, lineage, pair margins and alerts from core, and the few writes the
// panes make (rename, delete). As PairsBridge is for the pair browser: the panes hold no
// connection, call no store function and catch nothing; a read that fails is logged, naming the
// run, and answers its fallback (nothing listed); a write that fails says why in *error.
// Reads that take long (a run's alerts, a run's data plan) run on a worker thread with a
// read-only connection of its own and answer on the GUI thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <QObject>
#include <QString>
#include <QThreadPool>

#include "core/curriculum/curriculum.h"
#include "core/eval/eval_store.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_dynamics.h"
#include "core/pairs/training_pairs.h"
#include "core/store/metrics.h"
#include "core/train/run_alerts.h"
#include "core/train/run_config.h"
#include "core/train/run_lineage.h"
#include "ui/bridge/run_sources.h"
#include "ui/bridge/run_types.h"

namespace ladder::format {
class TextFormat;
}
namespace ladder::tokenizer {
class Tokenizer;
}

namespace ladder::ui {

class WorkspaceSession;

// A run as the Runs pane lists it: its record and what its process and heartbeat say now.
struct RunState {
    store::RunRecord run;
    store::Liveness liveness = store::Liveness::Ended;
    double heartbeatAge = -1;    // seconds since its last heartbeat
    double durationSeconds = 0;  // wall-clock from its start (the pane prefers training time)
    double etaSeconds = -1;      // from its heartbeats; -1 when unknown
};

// A parent's line of one metric on the chained axis (train::branchPoints).
struct ParentLine {
    std::int64_t parentRunId = 0;
    std::string metric;
    std::vector<std::pair<double, double>> points;
};

// What Compare shows of a run beside the others.
struct RunResultsData {
    // As stored (an empty object when unreadable).
    nlohmann::json config = nlohmann::json::object();
    std::vector<std::string> metricNames;                        // every metric it recorded
    std::vector<std::optional<store::MetricSummary>> summaries;  // of the names asked for, in order
    std::optional<eval::EvalRecord> winRate;                     // its latest evaluation
    std::vector<eval::SampleRecord> samples;                     // that evaluation's first answers
};

// What the launcher's pair preview reads: the form's tokenizer and template, and the first
// training pairs of its data.
struct PairPreviewData {
    std::shared_ptr<tokenizer::Tokenizer> tokenizer;
    std::shared_ptr<format::TextFormat> format;
    std::vector<pairs::TrainingPair> pairs;
};

// The memory a config needs and what it leaves free (train::estimateMemory).
struct MemoryView {
    std::string estimate;   // "2.1 GB at the caps (weights ..., activations ...)"
    std::int64_t free = 0;  // bytes the device has free; 0 when unknown
    std::string advice;     // empty when the run fits
};

class RunsBridge final : public QObject {
    Q_OBJECT
public:
    explicit RunsBridge(WorkspaceSession* session, QObject* parent = nullptr);
    ~RunsBridge() override;  // waits for a worker's read in progress

    [[nodiscard]] bool isOpen() const;
    // The workspaces Compare reads: the session's (source 0) and others opened read-only.
    [[nodiscard]] RunSources* sources() const { return m_sources; }

    // --- runs ---
    [[nodiscard]] std::vector<store::RunRecord> runs(int source = 0);  // newest first
    [[nodiscard]] std::optional<store::RunRecord> run(const RunRef& ref);
    [[nodiscard]] std::optional<store::RunRecord> run(std::int64_t runId) {
        return run(RunRef{0, runId});
    }
    // The session's runs with their liveness, heartbeat age, duration and time left;
    // `trainingHere` says which this window trains (their duration counts to now).
    [[nodiscard]] std::vector<RunState> runStates(
        const std::function<bool(std::int64_t)>& trainingHere);
    [[nodiscard]] store::Liveness liveness(const store::RunRecord& run) const;
    // Runs with a checkpoint to start from, newest first.
    [[nodiscard]] std::vector<store::RunRecord> runsWithCheckpoints();
    // The config a run was started with; nullopt with *error (naming the run) when it cannot be
    // read.
    [[nodiscard]] static std::optional<train::RunConfig> storedConfig(const store::RunRecord& run,
                                                                      QString* error);
    // The latest finished run of this method (the launcher's "latest finished SFT run").
    [[nodiscard]] std::optional<store::RunRecord> latestFinishedRun(const std::string& method);

    // --- metrics and evaluations ---
    [[nodiscard]] std::vector<store::MetricRecord> metricsSince(std::int64_t runId,
                                                                std::int64_t afterRowId,
                                                                std::size_t limit = 1'000'000);
    [[nodiscard]] std::unordered_map<std::string, double> latestMetrics(std::int64_t runId);
    [[nodiscard]] std::optional<eval::EvalRecord> latestEval(std::int64_t runId);
    // A run's results for Compare: the summaries of `summarized` (in order) and up to
    // `samples` answers of its latest evaluation.
    [[nodiscard]] RunResultsData results(const RunRef& ref,
                                         const std::vector<std::string>& summarized,
                                         std::size_t samples);
    // A run's curve on an axis, after its ancestors' when chained (train::chainedCurve).
    [[nodiscard]] train::ChainedCurve curve(const RunRef& ref, const std::string& metric,
                                            train::ChainAxis axis, bool chained);

    // --- lineage and stages (the Plots pane) ---
    // Where the run's steps lie on the axis (after its ancestors' when chained).
    [[nodiscard]] train::RunAxis runAxis(std::int64_t runId, train::ChainAxis axis, bool chained);
    // Its ancestors' lines, nearest first, of the metrics `wanted` accepts.
    [[nodiscard]] std::vector<ParentLine> parentLines(
        std::int64_t runId, train::ChainAxis axis,
        const std::function<bool(const std::string&)>& wanted);
    // The names of its curriculum's stages, from stage 1 (inline in its config, or stored).
    [[nodiscard]] std::vector<std::string> stageNames(std::int64_t runId);

    // --- pair margins (core/pairs/pair_dynamics.h) ---
    [[nodiscard]] std::optional<std::int64_t> nearestMarginStep(std::int64_t runId, double step);
    [[nodiscard]] std::vector<pairs::StepMargin> marginsAtStep(std::int64_t runId,
                                                               std::int64_t step);
    [[nodiscard]] std::vector<pairs::PairDynamics> pairDynamics(std::int64_t runId);

    // --- what the launcher lists and checks ---
    [[nodiscard]] std::vector<pairs::Ladder> ladders();
    [[nodiscard]] std::vector<curriculum::Curriculum> curricula();
    [[nodiscard]] std::vector<pairs::TierCount> tierCounts(const std::string& ladder);
    // nullopt when the model cannot be read (the problems list names why).
    [[nodiscard]] std::optional<MemoryView> memory(const train::RunConfig& config);
    [[nodiscard]] std::vector<std::string> runNotes(const train::RunConfig& config);
    // The config's tokenizer and template with up to `limit` of its training pairs; nullopt with
    // *error when the model, its template or the pairs cannot be read.
    [[nodiscard]] std::optional<PairPreviewData> pairPreview(const train::RunConfig& config,
                                                             std::size_t limit, QString* error);
    // What a data plan depends on beyond the config: the workspace and its pairs and decisions.
    [[nodiscard]] std::string dataPlanKey(const train::RunConfig& config);

    // --- writes ---
    bool rename(std::int64_t runId, const QString& name, QString* error);
    // The run with its metrics, evaluations and checkpoint folders.
    bool remove(std::int64_t runId, QString* error);
    // SIGINT to the process training the run (this machine only): a checkpoint, then exit.
    bool askToStop(const store::RunRecord& run);

    // --- on worker threads, one request at a time each ---
    // `done` runs on the GUI thread unless the bridge ended or another workspace opened first.
    void alertsAsync(std::int64_t runId, std::function<void(std::vector<train::RunAlert>)> done);
    // The plan's text (train::planRunData), or the reason there is none with ok false. A newer
    // request drops an older one not started yet.
    void dataPlanAsync(const train::RunConfig& config,
                       std::function<void(QString text, bool ok)> done);

private:
    template <typename T, typename Ask>
    T ask(const RunRef& ref, T fallback, const char* what, Ask question);
    template <typename Work, typename Done>
    void onWorker(bool replaces, Work work, Done done);

    WorkspaceSession* m_session;
    RunSources* m_sources;
    QThreadPool m_workers;           // alerts: each request answered
    QThreadPool m_replacingWorkers;  // data plans: a newer request drops older ones not started
    int m_generation =
        0;  // a workspace opened since a worker's read started: its answer is dropped
};

}  // namespace ladder::ui
