#include "ui/bridge/runs_bridge.h"

#include <QMetaObject>
#include <QPointer>

#include "core/common/clock.h"
#include "core/common/json_read.h"
#include "core/common/log.h"
#include "core/curriculum/curriculum_store.h"
#include "core/format/text_format.h"
#include "core/store/run_cleanup.h"
#include "core/store/workspace.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/data_plan.h"
#include "core/train/memory_estimate.h"
#include "core/train/pair_preview.h"
#include "core/train/run_notes.h"
#include "ui/bridge/workspace_session.h"

namespace ladder::ui {

RunsBridge::RunsBridge(WorkspaceSession* session, QObject* parent)
    : QObject(parent), m_session(session), m_sources(new RunSources(session, this)) {
    m_workers.setMaxThreadCount(1);
    m_replacingWorkers.setMaxThreadCount(1);
    connect(m_session, &WorkspaceSession::opened, this, [this] { ++m_generation; });
    connect(m_session, &WorkspaceSession::closed, this, [this] { ++m_generation; });
}

RunsBridge::~RunsBridge() {
    m_replacingWorkers.clear();
    m_workers.clear();
    m_replacingWorkers.waitForDone();
    m_workers.waitForDone();
}

bool RunsBridge::isOpen() const {
    return m_session->workspace() != nullptr;
}

// A question to core on the GUI thread's connection of the source's workspace: the fallback when
// it is not open or core throws (logged with what was asked and of which run).
template <typename T, typename Ask>
T RunsBridge::ask(const RunRef& ref, T fallback, const char* what, Ask question) {
    store::Database* db = m_sources->db(ref.source);
    if (!db) return fallback;
    try {
        return question(*db);
    } catch (const std::exception& e) {
        if (ref.runId > 0) {
            log::get("ui")->warn("cannot read {} of run {} in {}: {}", what, ref.runId,
                                 m_sources->path(ref.source).toStdString(), e.what());
        } else {
            log::get("ui")->warn("cannot read {} in {}: {}", what,
                                 m_sources->path(ref.source).toStdString(), e.what());
        }
        return fallback;
    }
}

// `work(workspace)` on the worker with a read-only connection of its own; `done(result)` back on
// the GUI thread, unless a workspace opened (or the bridge ended) since. `replaces`: requests
// queued before it and not started yet are dropped (an older data plan is out of date).
template <typename Work, typename Done>
void RunsBridge::onWorker(bool replaces, Work work, Done done) {
    if (!m_session->workspace()) return;
    const std::filesystem::path path = m_session->workspace()->path();
    const int generation = m_generation;
    QPointer<RunsBridge> self(this);
    QThreadPool& pool = replaces ? m_replacingWorkers : m_workers;
    if (replaces) pool.clear();
    pool.start([self, path, generation, work = std::move(work), done = std::move(done)]() mutable {
        std::optional<store::Workspace> workspace;
        try {
            workspace.emplace(store::Workspace::open(path, store::OpenOptions{.readOnly = true}));
        } catch (const std::exception& e) {
            log::get("ui")->warn("cannot open {} on the worker: {}", path.string(), e.what());
            return;
        }
        auto result = work(*workspace);
        QMetaObject::invokeMethod(
            self.data(),
            [self, generation, done = std::move(done), result = std::move(result)]() mutable {
                if (!self || generation != self->m_generation) return;
                done(std::move(result));
            },
            Qt::QueuedConnection);
    });
}

std::vector<store::RunRecord> RunsBridge::runs(int source) {
    return ask(RunRef{source, 0}, std::vector<store::RunRecord>{}, "the runs",
               [](store::Database& db) { return store::RunStore(db).list(); });
}

std::optional<store::RunRecord> RunsBridge::run(const RunRef& ref) {
    return ask(ref, std::optional<store::RunRecord>{}, "the record",
               [&ref](store::Database& db) { return store::RunStore(db).find(ref.runId); });
}

std::vector<RunState> RunsBridge::runStates(const std::function<bool(std::int64_t)>& trainingHere) {
    if (!m_session->workspace()) return {};
    const std::filesystem::path file = m_session->workspace()->path();
    const double now = clock::nowSeconds();
    std::vector<RunState> out;
    for (auto& run : runs()) {
        RunState s;
        s.liveness = store::runLiveness(run, file);
        s.heartbeatAge = store::heartbeatAgeSeconds(run, now);
        s.durationSeconds = store::runDurationSeconds(run, now, trainingHere(run.id));
        s.etaSeconds = store::estimateSecondsLeft(run, now);
        s.run = std::move(run);
        out.push_back(std::move(s));
    }
    return out;
}

store::Liveness RunsBridge::liveness(const store::RunRecord& run) const {
    return store::runLiveness(run, m_session->path().toStdString());
}

std::vector<store::RunRecord> RunsBridge::runsWithCheckpoints() {
    return ask(RunRef{}, std::vector<store::RunRecord>{}, "the runs' checkpoints",
               [](store::Database& db) {
                   store::RunStore runs(db);
                   std::vector<store::RunRecord> out;
                   for (auto& r : runs.list()) {
                       if (runs.latestCheckpoint(r.id)) out.push_back(std::move(r));
                   }
                   return out;
               });
}

std::optional<train::RunConfig> RunsBridge::storedConfig(const store::RunRecord& run,
                                                         QString* error) {
    try {
        return train::storedRunConfig(run);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return std::nullopt;
    }
}

std::optional<store::RunRecord> RunsBridge::latestFinishedRun(const std::string& method) {
    return ask(
        RunRef{}, std::optional<store::RunRecord>{}, "the finished runs",
        [&method](store::Database& db) { return store::RunStore(db).latestFinished(method); });
}

std::vector<store::MetricRecord> RunsBridge::metricsSince(std::int64_t runId,
                                                          std::int64_t afterRowId,
                                                          std::size_t limit) {
    return ask(RunRef{0, runId}, std::vector<store::MetricRecord>{}, "the metrics",
               [&](store::Database& db) {
                   return store::MetricsReader(db).since(runId, afterRowId, limit);
               });
}

std::unordered_map<std::string, double> RunsBridge::latestMetrics(std::int64_t runId) {
    return ask(RunRef{0, runId}, std::unordered_map<std::string, double>{}, "the latest metrics",
               [runId](store::Database& db) { return store::MetricsReader(db).latest(runId); });
}

std::optional<eval::EvalRecord> RunsBridge::latestEval(std::int64_t runId) {
    return ask(RunRef{0, runId}, std::optional<eval::EvalRecord>{}, "the latest evaluation",
               [runId](store::Database& db) { return eval::latestEval(db, runId); });
}

RunResultsData RunsBridge::results(const RunRef& ref, const std::vector<std::string>& summarized,
                                   std::size_t samples) {
    return ask(ref, RunResultsData{}, "the results", [&](store::Database& db) {
        RunResultsData r;
        if (const auto run = store::RunStore(db).find(ref.runId)) {
            r.config = json::parseOrDiscarded(run->configJson);
            if (r.config.is_discarded()) r.config = nlohmann::json::object();
        }
        store::MetricsReader reader(db);
        r.metricNames = reader.names(ref.runId);
        for (const auto& name : summarized) {
            r.summaries.push_back(store::summarizeSeries(reader.series(ref.runId, name),
                                                         store::betterDirection(name)));
        }
        r.winRate = eval::latestEval(db, ref.runId);
        if (r.winRate) {
            r.samples = eval::loadSamples(db, r.winRate->id);
            if (r.samples.size() > samples) r.samples.resize(samples);
        }
        return r;
    });
}

train::ChainedCurve RunsBridge::curve(const RunRef& ref, const std::string& metric,
                                      train::ChainAxis axis, bool chained) {
    return ask(ref, train::ChainedCurve{}, metric.c_str(), [&](store::Database& db) {
        return train::chainedCurve(db, ref.runId, metric, axis, chained);
    });
}

train::RunAxis RunsBridge::runAxis(std::int64_t runId, train::ChainAxis axis, bool chained) {
    // Unreadable: the run's own steps (on Tokens, no place known: nothing drawn rather than steps
    // on a tokens axis).
    return ask(RunRef{0, runId}, train::RunAxis(axis), "where it branched off",
               [&](store::Database& db) { return train::RunAxis::load(db, runId, axis, chained); });
}

std::vector<ParentLine> RunsBridge::parentLines(
    std::int64_t runId, train::ChainAxis axis,
    const std::function<bool(const std::string&)>& wanted) {
    return ask(
        RunRef{0, runId}, std::vector<ParentLine>{}, "the runs it started from",
        [&](store::Database& db) {
            std::vector<ParentLine> out;
            store::MetricsReader reader(db);
            for (const auto& branch : train::runAncestry(db, runId)) {
                std::vector<std::string> metrics;
                for (auto& metric : reader.names(branch.parentRunId)) {
                    if (wanted(metric)) metrics.push_back(std::move(metric));
                }
                auto lines = train::branchPoints(db, branch, metrics, axis);
                for (std::size_t i = 0; i < metrics.size(); ++i) {
                    out.push_back({branch.parentRunId, std::move(metrics[i]), std::move(lines[i])});
                }
            }
            return out;
        });
}

std::vector<std::string> RunsBridge::stageNames(std::int64_t runId) {
    return ask(RunRef{0, runId}, std::vector<std::string>{}, "its stage names",
               [runId](store::Database& db) {
                   std::vector<std::string> names;
                   const auto run = store::RunStore(db).find(runId);
                   if (!run) return names;
                   const auto config = json::parseOrDiscarded(run->configJson);
                   if (!config.is_object() || !config.contains("data")) return names;
                   const auto& spec = config["data"].value("curriculum", nlohmann::json());
                   std::vector<curriculum::Stage> stages;
                   if (spec.is_object()) {
                       stages = curriculum::Curriculum::fromJson(spec).stages;
                   } else if (spec.is_string()) {
                       for (const auto& c : curriculum::listCurricula(db)) {
                           if (c.name == spec.get<std::string>()) stages = c.stages;
                       }
                   }
                   for (const auto& s : stages) names.push_back(s.name);
                   return names;
               });
}

std::optional<std::int64_t> RunsBridge::nearestMarginStep(std::int64_t runId, double step) {
    return ask(RunRef{0, runId}, std::optional<std::int64_t>{}, "the pair margins",
               [&](store::Database& db) { return pairs::nearestMarginStep(db, runId, step); });
}

std::vector<pairs::StepMargin> RunsBridge::marginsAtStep(std::int64_t runId, std::int64_t step) {
    return ask(RunRef{0, runId}, std::vector<pairs::StepMargin>{}, "the pair margins",
               [&](store::Database& db) { return pairs::marginsAtStep(db, runId, step); });
}

std::vector<pairs::PairDynamics> RunsBridge::pairDynamics(std::int64_t runId) {
    return ask(RunRef{0, runId}, std::vector<pairs::PairDynamics>{}, "the pair margins",
               [runId](store::Database& db) { return pairs::pairDynamics(db, runId); });
}

std::vector<pairs::Ladder> RunsBridge::ladders() {
    return ask(RunRef{}, std::vector<pairs::Ladder>{}, "the ladders",
               [](store::Database& db) { return pairs::listLadders(db); });
}

std::vector<curriculum::Curriculum> RunsBridge::curricula() {
    return ask(RunRef{}, std::vector<curriculum::Curriculum>{}, "the curricula",
               [](store::Database& db) { return curriculum::listCurricula(db); });
}

std::vector<pairs::TierCount> RunsBridge::tierCounts(const std::string& ladder) {
    return ask(RunRef{}, std::vector<pairs::TierCount>{}, "the ladder's tiers",
               [&ladder](store::Database& db) {
                   pairs::PairSelection selection;
                   selection.ladder = ladder;
                   return pairs::tierCounts(db, selection);
               });
}

std::optional<MemoryView> RunsBridge::memory(const train::RunConfig& config) {
    store::Workspace* ws = m_session->workspace();
    if (!ws) return std::nullopt;
    try {
        const auto inputs = train::memoryInputs(config, train::specModelConfig(*ws, config.model));
        const auto estimate = train::estimateMemory(inputs);
        MemoryView view;
        view.estimate = estimate.text();
        view.free = train::availableDeviceMemory(config.device);
        view.advice = train::memoryAdvice(estimate, view.free, inputs);
        return view;
    } catch (const std::exception& e) {
        // A model folder or run that cannot be read: the launcher's problems name it.
        log::get("ui")->debug("no memory estimate: {}", e.what());
        return std::nullopt;
    }
}

std::vector<std::string> RunsBridge::runNotes(const train::RunConfig& config) {
    if (!m_session->workspace()) {
        const auto warmup = train::warmupNote(config);
        return warmup ? std::vector<std::string>{*warmup} : std::vector<std::string>{};
    }
    return ask(RunRef{}, std::vector<std::string>{}, "the run's notes",
               [&config](store::Database& db) { return train::runNotes(db, config); });
}

std::optional<PairPreviewData> RunsBridge::pairPreview(const train::RunConfig& config,
                                                       std::size_t limit, QString* error) {
    try {
        store::Workspace* ws = m_session->workspace();
        if (!ws) throw std::runtime_error("no workspace is open");
        PairPreviewData data;
        data.tokenizer = train::loadSpecTokenizer(*ws, config.model, config.tokenizer);
        data.format = std::make_shared<format::TextFormat>(
            format::TextFormat::resolve(config.templateName, *data.tokenizer));
        pairs::PairSelection selection = train::runPairSelection(config);
        selection.limit = limit;
        data.pairs = pairs::loadTrainingPairs(ws->db(), selection);
        return data;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return std::nullopt;
    }
}

std::string RunsBridge::dataPlanKey(const train::RunConfig& config) {
    store::Workspace* ws = m_session->workspace();
    return ws ? train::dataPlanKey(*ws, config) : std::string();
}

bool RunsBridge::rename(std::int64_t runId, const QString& name, QString* error) {
    try {
        if (!m_session->workspace()) throw std::runtime_error("no workspace is open");
        store::RunStore(m_session->workspace()->db()).rename(runId, name.trimmed().toStdString());
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

bool RunsBridge::remove(std::int64_t runId, QString* error) {
    try {
        if (!m_session->workspace()) throw std::runtime_error("no workspace is open");
        store::deleteRunAndCheckpoints(*m_session->workspace(), runId);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

bool RunsBridge::askToStop(const store::RunRecord& run) {
    return store::askProcessToStop(run);
}

void RunsBridge::alertsAsync(std::int64_t runId,
                             std::function<void(std::vector<train::RunAlert>)> done) {
    onWorker(
        false,
        [runId](store::Workspace& workspace) {
            try {
                return std::optional(train::runAlerts(workspace.db(), runId));
            } catch (const std::exception& e) {
                log::get("ui")->warn("cannot read the alerts of run {}: {}", runId, e.what());
                return std::optional<std::vector<train::RunAlert>>{};
            }
        },
        [done = std::move(done)](std::optional<std::vector<train::RunAlert>> alerts) {
            if (alerts) done(std::move(*alerts));
        });
}

void RunsBridge::dataPlanAsync(const train::RunConfig& config,
                               std::function<void(QString, bool)> done) {
    onWorker(
        true,
        [config](store::Workspace& workspace) {
            try {
                return std::pair(
                    QString::fromStdString(train::planRunData(workspace, config).text(config)),
                    true);
            } catch (const std::exception& e) {
                return std::pair(QString::fromStdString(e.what()), false);
            }
        },
        [done = std::move(done)](std::pair<QString, bool> plan) { done(plan.first, plan.second); });
}

}  // namespace ladder::ui
