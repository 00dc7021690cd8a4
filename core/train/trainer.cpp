// The training loop. Setup reads everything a run needs and fails early with a clear message;
// each step is: commands, batch, reference log-probs, TrainStep, metrics, checkpoint. The
// measurements between steps (held-out scores, win rate, pair margins) are in trainer_eval.cpp.
#include "core/train/trainer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>
#include <torch/version.h>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/text.h"
#include "core/common/hash.h"
#include "core/common/json_read.h"
#include "core/common/log.h"
#include "core/curriculum/curriculum_store.h"
#include "core/curriculum/presets.h"
#include "core/eval/evaluator.h"
#include "core/model/checkpoint.h"
#include "core/model/lora.h"
#include "core/store/checkpoint_paths.h"
#include "core/store/runs.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/data_plan.h"
#include "core/train/lr_schedule.h"
#include "core/train/memory_estimate.h"
#include "core/train/padding_share.h"
#include "core/train/run_lineage.h"
#include "core/train/run_notes.h"
#include "core/train/training_checkpoint.h"

namespace ladder::train {
namespace fs = std::filesystem;

namespace {

auto logger() { return log::get("train"); }

double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace

Trainer::Trainer(const JobRequest& request, TrainingControls& controls, EventQueue& events)
    : m_request(request), m_controls(controls), m_events(events) {}

Trainer::~Trainer() = default;

ForwardOptions Trainer::forwardOptions() const {
    ForwardOptions options;
    // A checkpointed layer cannot fill a KvCache (it runs again in the backward pass), so
    // checkpointing forwards whole rows: prompt + answer each.
    options.packedPairs = m_config.packedPairs;
    options.prefixSharing = m_config.prefixSharing && !m_config.gradientCheckpointing;
    // A LoRA run's bfloat16 base computes in bfloat16 itself; autocast is for full fine-tuning.
    options.bf16Autocast = m_config.dtype == "bfloat16" && !m_config.lora.enabled();
    if (m_policy.model) {
        options.headChunkTokens = headChunkTokens(m_config.logitsHead, m_policy.model->config().vocabSize);
    }
    return options;
}

double Trainer::elapsed() const {
    return m_elapsedBefore + seconds(std::chrono::steady_clock::now() - m_sessionStart);
}

void Trainer::emit(EventKind kind, std::int64_t step, std::string message,
                   std::vector<std::pair<std::string, double>> metrics) {
    TrainingEvent e;
    e.kind = kind;
    e.runId = m_runId;
    e.step = step;
    e.totalSteps = m_config.maxSteps;
    e.elapsedSeconds = elapsed();
    const std::int64_t doneThisSession = step - m_startStep;
    if (doneThisSession > 0 && step < m_config.maxSteps) {
        const double perStep = seconds(std::chrono::steady_clock::now() - m_loopStart) /
                               static_cast<double>(doneThisSession);
        e.etaSeconds = perStep * static_cast<double>(m_config.maxSteps - step);
    }
    e.message = std::move(message);
    e.metrics = std::move(metrics);
    m_events.push(std::move(e));
}

void Trainer::run() {
    m_sessionStart = std::chrono::steady_clock::now();
    m_lastFlush = m_sessionStart;
    if (m_request.world.distributed()) connectWorld();
    openRun();
    setUpModelAndData();
    takeRankZeroWeights();
    checkMemoryFits();
    setUpReference();
    setUpWinRate();
    restoreCheckpoint();
    trainLoop();
}

void Trainer::fail(const std::string& message) noexcept {
    try {
        if (m_runId > 0) {
            logger()->error("run {}: {}", m_runId, message);
        } else {
            logger()->error("{}", message);
        }
        if (m_metrics && m_runId > 0) {
            try {
                retryWhileBusy("saving the metrics", [this] { m_metrics->flush(); });
            } catch (const std::exception& e) {
                logger()->error("run {}: metrics not saved: {}", m_runId, e.what());
            }
        }
        if (m_workspace && m_runId > 0 && writer()) {
            retryWhileBusy("recording the failure", [this, &message] {
                store::RunStore(m_workspace->db()).finish(m_runId, store::RunStatus::Failed, message);
            });
        }
    } catch (const std::exception& e) {
        logger()->error("run {}: could not record the failure: {}", m_runId, e.what());
    }
    try {
        emit(EventKind::Failed, m_stepsDone, message);
    } catch (...) {
    }
}

// --- setup -----------------------------------------------------------------------------------

void Trainer::checkJudgeProgram(std::int64_t runId) const {
    const auto program = judgeProgram(m_config);
    if (program.empty() || m_request.judgeProgramApproved) return;
    throw Error((runId > 0 ? "run " + std::to_string(runId) + "'s" : std::string("this run's")) +
                " win rate would run the program `" + describeProgram(program) +
                "` as its judge, and nobody approved that here: a run config stored in a "
                "workspace never runs a program by itself. If you trust it, add "
                "--allow-judge-program (ladder-cli) or confirm it in the window; or leave the win "
                "rate out with --no-win-rate");
}

void Trainer::openRunHere() {
    // A long busy timeout: a trainer waits for other writers (they keep their transactions short)
    // rather than give up on its metrics.
    m_workspace = std::make_unique<store::Workspace>(
        store::Workspace::open(m_request.workspacePath, store::OpenOptions{.busyTimeoutMs = 60000}));
    store::RunStore runs(m_workspace->db());
    if (m_request.resumeRunId > 0) {
        const auto run = runs.get(m_request.resumeRunId);
        // One owner at a time: another process (or this window's trainer) still training it
        // holds its lock. m_runId stays 0 until every check has passed, so that a refusal is not
        // written into the run (it may be another process's, or merely stopped).
        m_runLock = store::OwnerLock::tryAcquire(store::runLockFile(m_workspace->path(), run.id));
        if (!m_runLock.held()) {
            throw Error("run " + std::to_string(run.id) + " (" + run.name + ") is being trained " +
                        (run.pid ? "by process " + std::to_string(*run.pid) +
                                       (run.host.empty() ? "" : " on " + run.host)
                                 : std::string("by another process")) +
                        ": stop it first (Runs > Stop, or Ctrl+C where it runs), then resume");
        }
        m_config = storedRunConfig(run);
        if (run.status == store::RunStatus::Finished) {
            throw Error("run " + std::to_string(run.id) + " has finished: duplicate its config to "
                        "train further");
        }
        if (m_request.withoutWinRate) m_config.winRate.reference.clear();
        checkJudgeProgram(run.id);
        m_threads = ThreadClaim::make(m_config.threads);
        m_runId = run.id;
        m_controls.runId = m_runId;
    } else {
        m_config = m_request.config;
        // The stored config names the run it really started from, not "the latest SFT run".
        if (m_config.model.kind == "run") {
            m_config.model.runId = resolveStartRun(m_workspace->db(), m_config.model);
        }
        if (m_config.name.empty()) {
            m_config.name = m_config.method + " " + clock::nowIso().substr(0, 16);
        }
        const auto problems = validate(m_config);
        if (!problems.empty()) {
            std::string all;
            for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
            throw Error("the run config has problems: " + all);
        }
        if (m_request.withoutWinRate) m_config.winRate.reference.clear();
        checkJudgeProgram(0);
        // The config stores the threads the run used, not 0 for "all": a reviewer comparing two
        // runs sees what each really had.
        m_threads = ThreadClaim::make(m_config.threads);
        m_config.threads = m_threads.threads();
        // A new run's batch_size is per process: its steps take batch_size x world_size pairs.
        m_config.worldSize = m_comm ? m_comm->size() : 1;
        store::NewRun row;
        row.name = m_config.name;
        row.method = m_config.method;
        row.configJson = toJson(m_config).dump();
        row.seed = m_config.seed;
        row.device = m_config.device;
        row.totalSteps = m_config.maxSteps;
        if (m_config.model.kind == "run") row.parentRunId = m_config.model.runId;
        m_runId = runs.create(row);
        m_runLock = store::OwnerLock::tryAcquire(store::runLockFile(m_workspace->path(), m_runId));
        if (!m_runLock.held()) {
            throw Error("run " + std::to_string(m_runId) + " is locked by another process (a "
                        "leftover lock file of an older run with this id?): " +
                        store::runLockFile(m_workspace->path(), m_runId).string());
        }
        m_controls.runId = m_runId;
    }
    m_metrics = std::make_unique<store::MetricsWriter>(m_workspace->db(), 4096);
    logger()->info("run {} ({}): {} on {}", m_runId, m_config.name, m_config.method, m_config.device);
}

void Trainer::setUpModelAndData() {
    m_device = model::parseDevice(m_comm ? dist::deviceOfRank(m_config.device, m_comm->world()) : m_config.device);
    {
        // The pairs of a micro-batch stay batch_size x the processes the run started with; the
        // processes of this session share them (a run resumed with other processes goes on
        // drawing the same batches).
        const int processes = m_comm ? m_comm->size() : 1;
        const long global = static_cast<long>(m_config.batchSize) * std::max(1, m_config.worldSize);
        if (global % processes != 0) {
            throw Error("run " + std::to_string(m_runId) + "'s micro-batches take " +
                        std::to_string(global) + " pairs (batch_size " +
                        std::to_string(m_config.batchSize) + " x " +
                        std::to_string(m_config.worldSize) + " processes when it started), which " +
                        std::to_string(processes) + " processes cannot share evenly: run it with "
                        "a number of processes that divides " + std::to_string(global));
        }
        m_globalBatch = static_cast<int>(global);
        m_rankBatch = static_cast<int>(global / processes);
    }
    torch::set_num_threads(m_threads.threads());
    if (!m_threads.note().empty()) {
        logger()->warn("run {}: {}", m_runId, m_threads.note());
        emit(EventKind::Message, 0, m_threads.note());
    }

    auto loss = lossRegistry().create(m_config.method);
    loss->configure(m_config.loss);
    m_loss = std::move(loss);
    if (!m_loss->needsReference()) {
        m_config.reference = "none";
    } else if (m_config.reference == "none") {
        throw Error("method " + m_config.method + " compares with a reference model: set reference "
                    "to cache (computed once, stored in the workspace) or frozen");
    }

    emit(EventKind::Message, 0, "loading the model");
    m_policy = loadModelSpec(*m_workspace, m_config.model, m_config.tokenizer, m_device,
                             m_config.seed);
    std::int64_t parameters = 0;
    for (const auto& p : m_policy.model->parameters()) parameters += p.numel();
    model::CausalLM master;
    if (m_config.dtype == "bfloat16") {
        // LoRA: the frozen base in bfloat16, the adapters in float32. Full fine-tuning: bfloat16
        // weights that a float32 master copy steps (TrainStep).
        if (!m_config.lora.enabled()) master = model::cloneModel(*m_policy.model, m_device, torch::kFloat);
        m_policy.model->to(torch::kBFloat16);
    }
    if (m_config.lora.enabled()) model::attachLora(*m_policy.model, m_config.lora);
    m_master = master;
    m_policy.model->setGradientCheckpointing(m_config.gradientCheckpointing);
    std::int64_t trainable = 0;
    for (const auto& p : m_policy.model->trainableParameters()) trainable += p.numel();
    m_format = format::TextFormat::resolve(m_config.templateName, *m_policy.tokenizer);
    logger()->info("run {}: model {} ({} parameters, {} trained{}{}), tokenizer {}, text format {}",
                   m_runId, m_policy.description, parameters, trainable,
                   m_config.lora.enabled() ? ": LoRA r=" + std::to_string(m_config.lora.rank) : "",
                   m_config.gradientCheckpointing ? ", gradient checkpointing" : "",
                   m_policy.tokenizer->source(), m_format->name());
    if (m_config.gradientCheckpointing && m_config.prefixSharing && !m_config.packedPairs) {
        logger()->info("run {}: gradient checkpointing forwards prompt + answer rows (no prefix "
                       "sharing)", m_runId);
    }

    pairs::PairSelection selection = runPairSelection(m_config);
    pairs::AnnotationEffects effects;
    const auto train = pairs::loadTrainingPairs(m_workspace->db(), selection, &effects);
    selection.split = "heldout";
    const auto heldout = pairs::loadTrainingPairs(m_workspace->db(), selection);
    if (train.empty()) {
        throw Error("there are no training pairs for ladder '" + m_config.data.ladder +
                    "'" + (m_config.data.tiers.empty() ? "" : " in the chosen tiers") +
                    ": build them first (`ladder-cli pairs build --ladder " + m_config.data.ladder +
                    "`)");
    }
    if (effects.flipped + effects.discarded + effects.tied > 0) {
        logger()->info("run {}: annotations applied: {} flipped, {} discarded, {} ties left out",
                       m_runId, effects.flipped, effects.discarded, effects.tied);
    }

    emit(EventKind::Message, 0, "tokenising " + std::to_string(train.size() + heldout.size()) + " pairs");
    const LengthCaps caps{m_config.data.maxLength, m_config.data.maxPromptLength};
    m_train.reserve(train.size());
    for (const auto& p : train) {
        m_train.push_back(tokenizePair(p, *m_format, caps));
    }
    // A fixed, evenly spread evaluation subset of the held-out pairs (all tiers represented).
    const std::size_t wanted = static_cast<std::size_t>(std::max(0, m_config.evalPairs));
    const std::size_t stride = wanted == 0 ? 0 : std::max<std::size_t>(1, heldout.size() / wanted);
    for (std::size_t i = 0; stride > 0 && i < heldout.size() && m_heldout.size() < wanted; i += stride) {
        m_heldout.push_back(tokenizePair(heldout[i], *m_format, caps));
    }
    const auto report = truncationReport(m_train);
    logger()->info("run {}: {} training pairs, {} held-out for evaluation; truncation: {}", m_runId,
                   m_train.size(), m_heldout.size(), report.text());
    emit(EventKind::Message, 0, "truncation: " + report.text(),
         {{"data/train_pairs", static_cast<double>(m_train.size())},
          {"data/prompts_truncated", static_cast<double>(report.promptsCut)},
          {"data/answers_truncated", static_cast<double>(report.answersCut)}});
    if (m_metrics) {
        m_metrics->add(m_runId, 0, "data/train_pairs", static_cast<double>(m_train.size()), clock::nowSeconds());
        m_metrics->add(m_runId, 0, "data/prompts_truncated", static_cast<double>(report.promptsCut), clock::nowSeconds());
        m_metrics->add(m_runId, 0, "data/answers_truncated", static_cast<double>(report.answersCut), clock::nowSeconds());
    }

    auto chosen = chooseCurriculum(m_workspace->db(), m_config, train);
    m_sampler = makeRunSampler(m_config, chosen, m_train);
    {
        const auto padding = plannedPadding(*m_sampler, m_config, m_train, m_loss->usesRejected());
        const auto percent = [&](std::int64_t part) {
            return padding.slots() ? 100.0 * static_cast<double>(part) / static_cast<double>(padding.slots()) : 0.0;
        };
        logger()->info("run {}: {} rows, batches grouped by length in groups of {}: {:.1f}% of "
                       "the token slots are padding ({:.1f}% a pair's shorter answer, {:.1f}% "
                       "prompts)", m_runId, m_config.packedPairs ? "packed" : "padded",
                       m_config.data.lengthGroups, 100.0 * padding.share(),
                       percent(padding.withinPairs), percent(padding.promptPadded));
        emit(EventKind::Message, 0,
             "padding: " + std::to_string(static_cast<int>(std::lround(100.0 * padding.share()))) +
                 "% of the token slots");
        if (m_metrics) m_metrics->add(m_runId, 0, "data/padded_share", padding.share(), clock::nowSeconds());
    }
    if (m_sampler->totalSteps() < m_config.maxSteps) {
        logger()->info("run {}: curriculum '{}' is {} steps long, the run {} (past its end the "
                       "last stage goes on)", m_runId, chosen.name, m_sampler->totalSteps(),
                       m_config.maxSteps);
    }
    // What the launcher listed as notes, said again here in the same words (run_notes.h), so
    // that a run from ladder-cli tells them too.
    std::vector<std::string> notes;
    if (auto w = warmupNote(m_config)) notes.push_back(std::move(*w));
    if (auto c = curriculumNote(m_sampler->curriculum(), m_config.maxSteps)) notes.push_back(std::move(*c));
    for (const auto& note : notes) {
        logger()->warn("run {}: {}", m_runId, note);
        emit(EventKind::Message, 0, "note: " + note);
    }
}

void Trainer::setUpReference() {
    const ForwardOptions forward = forwardOptions();
    if (m_config.reference == "frozen") {
        // With LoRA the reference is the policy with its adapter off: no second copy.
        if (!m_policy.model->lora()) m_reference = model::cloneModel(*m_policy.model);
    } else if (m_config.reference == "cache") {
        // The key: the starting weights, the tokenizer and the prompt cap (the template and the
        // length cap are columns of their own).
        hash::Hasher h;
        h.update(model::weightsHash(*m_policy.model));
        h.update(m_policy.tokenizer->kind());
        h.update(std::to_string(m_policy.tokenizer->vocabSize()));
        h.update(std::to_string(m_config.data.maxPromptLength));
        m_referenceKey = h.hex();
        m_cache = std::make_unique<ReferenceCache>(m_workspace->db(), m_referenceKey,
                                                   m_format->cacheKey(), m_config.data.maxLength);
        // Only the pairs this run will use: a short run on a large dataset must not pay for a
        // reference pass over all of it (a later run with other steps fills in the rest).
        const auto needed = pairsNeedingReference();
        const auto missing = m_cache->load(needed);
        logger()->info("run {}: reference log-probs of {} pairs: {} cached, {} to compute",
                       m_runId, needed.size(), needed.size() - missing.size(), missing.size());
        if (!missing.empty() && m_comm) {
            if (writer()) {
                store::RunStore(m_workspace->db())
                    .setStatus(m_runId, store::RunStatus::Running,
                               "reference log-probs of " + std::to_string(missing.size()) +
                                   " pairs, shared by " + std::to_string(m_comm->size()) + " processes");
            }
            fillReferenceShared(missing, forward);
        } else if (!missing.empty()) {
            store::RunStore runs(m_workspace->db());
            runs.setStatus(m_runId, store::RunStatus::Running,
                           "reference log-probs of " + std::to_string(missing.size()) + " pairs");
            // The policy has not moved yet: it is the reference for this pass.
            const auto padId = m_policy.tokenizer->padId().value_or(0);
            const model::LoraOff base(*m_policy.model);
            m_cache->fill(missing, *m_policy.model, std::max(1, m_config.batchSize * 2), padId,
                          forward, [this, &runs](std::int64_t done, std::int64_t total) {
                              runs.heartbeat(m_runId, 0);  // alive, though no step is done yet
                              emit(EventKind::Message, 0,
                                   "reference log-probs: " + std::to_string(done) + " / " +
                                       std::to_string(total) + " pairs");
                          });
        }
    }
    m_step = std::make_unique<TrainStep>(m_policy.model, m_loss, m_config.optimizer, forward, m_master);
    m_step->setCommunicator(m_comm.get());
}

void Trainer::restoreCheckpoint() {
    if (m_request.resumeRunId <= 0) return;
    store::RunStore runs(m_workspace->db());
    const auto latest = runs.latestCheckpoint(m_runId);
    if (!latest) {
        logger()->info("run {}: no checkpoint yet, starting over from step 0", m_runId);
        if (writer()) {
            m_workspace->db().prepare("DELETE FROM metrics WHERE run_id = ? AND step > 0").bind(1, m_runId).run();
            m_workspace->db().prepare("DELETE FROM pair_margin_steps WHERE run_id = ?").bind(1, m_runId).run();
        }
        return;
    }
    std::string why;
    const auto owned =
        store::ownedCheckpointFolder(m_workspace->checkpointDir(), m_runId, latest->path, &why);
    if (!owned) {
        throw Error("run " + std::to_string(m_runId) + " cannot resume: its checkpoint is recorded "
                    "as '" + latest->path + "', which " + why);
    }
    const fs::path folder = *owned;
    model::loadWeights(*m_policy.model, resumeWeightFiles(folder));
    if (m_master) {
        // The float32 weights it went on from (training_weights.safetensors), not the rounded ones.
        model::loadWeights(*m_master, resumeWeightFiles(folder));
        m_step->copyMasterIntoPolicy();
    }
    if (const auto& adapter = m_policy.model->lora()) {
        model::loadLoraWeights(*adapter, folder / kAdapterFolder);
    }
    const TrainerState state = loadTrainerState(folder, m_step->optimizer());
    m_sampler->restore(curriculum::GroupedSamplerPosition::fromJson(state.sampler));
    restoreGeneratorState(state.generatorState, m_device);
    if (m_cache && !state.referenceKey.empty() && state.referenceKey != m_referenceKey) {
        throw Error("run " + std::to_string(m_runId) + " cannot resume: its starting model changed "
                    "since it began (reference key differs)");
    }
    m_startStep = m_stepsDone = state.step;
    m_elapsedBefore = state.elapsedSeconds;
    m_tokensSeen = state.tokensSeen;
    m_lastCheckpointStep = state.step;
    // Steps after the checkpoint were done once already; they are done again now.
    if (writer()) {
        m_workspace->db()
            .prepare("DELETE FROM metrics WHERE run_id = ? AND step > ?")
            .bind(1, m_runId)
            .bind(2, state.step)
            .run();
        m_workspace->db()
            .prepare("DELETE FROM pair_margin_steps WHERE run_id = ? AND step > ?")
            .bind(1, m_runId)
            .bind(2, state.step)
            .run();
    }
    logger()->info("run {}: resumed from {} (step {})", m_runId, folder.string(), state.step);
    emit(EventKind::Resumed, state.step, "resumed from step " + std::to_string(state.step));
}

// --- the loop --------------------------------------------------------------------------------

bool Trainer::waitWhilePaused() {
    if (!m_controls.pauseRequested) return true;
    flushMetrics(true);
    store::RunStore(m_workspace->db()).setStatus(m_runId, store::RunStatus::Paused);
    emit(EventKind::Paused, m_stepsDone, "paused at step " + std::to_string(m_stepsDone));
    const auto pausedAt = std::chrono::steady_clock::now();
    {
        std::unique_lock lock(m_controls.mutex);
        m_controls.wake.wait(lock, [this] {
            return !m_controls.pauseRequested.load() || m_controls.stopRequested.load();
        });
    }
    // Time spent paused is not training time.
    m_sessionStart += std::chrono::steady_clock::now() - pausedAt;
    m_loopStart += std::chrono::steady_clock::now() - pausedAt;
    store::RunStore(m_workspace->db()).setStatus(m_runId, store::RunStatus::Running);
    if (m_controls.stopRequested) return false;
    emit(EventKind::Resumed, m_stepsDone, "resumed at step " + std::to_string(m_stepsDone));
    return true;
}

ReferenceLogps Trainer::referenceFor(const Batch& batch,
                                     const std::vector<const TokenizedPair*>& pairs) {
    if (m_cache) return m_cache->lookup(pairs, m_device);
    if (m_reference) return referenceLogps(*m_reference, batch, forwardOptions());
    if (m_config.reference == "frozen" && m_policy.model->lora()) {
        const model::LoraOff base(*m_policy.model);
        return referenceLogps(*m_policy.model, batch, forwardOptions());
    }
    return {};
}

// The allocator's failure at a step, said as what to change (the run fails; its checkpoints and
// metrics so far stay).
StepResult Trainer::runStepOrExplain(const std::vector<const Batch*>& micro,
                                     const std::vector<ReferenceLogps>& refs, double lr) {
    const auto outOfMemory = [this](std::string what) {
        while (!what.empty() && (what.back() == '.' || what.back() == ' ')) what.pop_back();
        const auto in = memoryInputs(m_config, m_policy.model->config());
        const auto advice = memoryChanges(estimateMemory(in), in);
        return Error("step " + std::to_string(m_stepsDone + 1) + " ran out of memory (" + what +
                     "). To fit: " + advice + ". The checkpoints and metrics so far are kept.");
    };
    try {
        return m_step->run(micro, refs, lr);
    } catch (const std::bad_alloc&) {
        throw outOfMemory("the allocator failed");
    } catch (const c10::Error& e) {
        const std::string text = e.what_without_backtrace();
        if (text.find("out of memory") != std::string::npos ||
            text.find("not enough memory") != std::string::npos) {
            throw outOfMemory(text.substr(0, text.find('\n')));
        }
        throw;
    }
}

void Trainer::checkMemoryFits() {
    std::int64_t prompt = 0, answer = 0;
    for (const auto& p : m_train) {
        prompt = std::max<std::int64_t>(prompt, static_cast<std::int64_t>(p.prompt.size()));
        answer = std::max<std::int64_t>(
            answer, static_cast<std::int64_t>(std::max(p.chosen.size(), p.rejected.size())));
    }
    RunConfig perProcess = m_config;
    perProcess.batchSize = m_rankBatch;
    auto in = memoryInputs(perProcess, m_policy.model->config());
    in.promptTokens = prompt;
    in.answerTokens = std::max<std::int64_t>(1, answer);
#if TORCH_VERSION_MAJOR >= 2
    // The fused kernel keeps a number a row; Gemma 2's soft-capped scores take the explicit path,
    // which keeps the probabilities.
    in.attentionKeepsProbabilities = m_policy.model->config().attnLogitSoftcap > 0.0;
#endif
    const auto estimate = estimateMemory(in);
    logger()->info("run {}: memory estimate {}", m_runId, estimate.text());
    emit(EventKind::Message, 0, "memory estimate: " + estimate.text());
    // The CPU's free memory, or the CUDA device's as its driver reports it.
    const auto free = availableDeviceMemory(m_device.str());
    // The weights (and a bfloat16 run's float32 master copy) are loaded already: what they hold
    // is no longer free. The reference copy comes after this check.
    const auto loaded = estimate.weights + estimate.master;
    const auto advice = memoryAdvice(estimate, free < 0 ? free : free + loaded, in);
    if (!advice.empty()) {
        throw Error(std::string("the run will not fit in ") +
                    (m_device.is_cpu() ? "memory" : m_device.str() + "'s memory") + ": " + advice);
    }
}

void Trainer::trainLoop() {
    if (writer()) store::RunStore(m_workspace->db()).markStarted(m_runId, m_config.maxSteps);
    checkSameWeights("at the start");
    m_loopStart = std::chrono::steady_clock::now();
    emit(EventKind::Started, m_stepsDone, m_policy.description);
    const bool withRejected = m_loss->usesRejected();
    const auto padId = m_policy.tokenizer->padId().value_or(0);

    while (m_stepsDone < m_config.maxSteps) {
        bool stop = false;
        if (m_comm) {
            // Every process stops (or writes a checkpoint) at the same step: when any was asked.
            m_comm->setActivity("step " + std::to_string(m_stepsDone + 1));
            const auto asked = m_comm->sum({m_controls.stopRequested ? 1.0 : 0.0,
                                            m_controls.checkpointRequested.exchange(false) ? 1.0 : 0.0});
            stop = asked[0] > 0;
            if (asked[1] > 0) m_controls.checkpointRequested = true;
        } else {
            stop = !waitWhilePaused() || m_controls.stopRequested;
        }
        if (stop) {
            checkpoint(m_stepsDone, "stop");
            flushMetrics(true);
            if (writer()) {
                retryWhileBusy("marking the run stopped", [this] {
                    store::RunStore(m_workspace->db()).finish(
                        m_runId, store::RunStatus::Stopped,
                        "stopped at step " + std::to_string(m_stepsDone));
                });
            }
            emit(EventKind::Stopped, m_stepsDone, "stopped at step " + std::to_string(m_stepsDone));
            return;
        }
        const std::size_t stage = m_sampler->currentStage();
        if (stage != m_stage) {
            m_stage = stage;
            const auto& name = m_sampler->curriculum().stages.at(stage).name;
            logger()->info("run {}: step {}: curriculum stage {} ({})", m_runId, m_stepsDone,
                           stage + 1, name);
            emit(EventKind::StageChanged, m_stepsDone, name);
        }

        const auto started = std::chrono::steady_clock::now();
        std::vector<Batch> micro;
        std::vector<ReferenceLogps> refs;
        const int processes = m_comm ? m_comm->size() : 1;
        const int rank = m_comm ? m_comm->rank() : 0;
        // The tier of each pair of the step in the order of its rewards: process by process
        // (TrainStep gathers them so), each process's micro-batches in turn.
        std::vector<std::vector<std::string>> tiersOf(static_cast<std::size_t>(processes));
        for (int a = 0; a < m_config.gradAccum; ++a) {
            // Every process draws the whole micro-batch and takes its share.
            const auto indices = m_sampler->nextBatch(static_cast<std::size_t>(m_globalBatch));
            std::vector<const TokenizedPair*> chosen;
            for (std::size_t k = 0; k < indices.size(); ++k) {
                const TokenizedPair* pair = &m_train.at(static_cast<std::size_t>(indices[k]));
                const auto owner = std::min<std::size_t>(k / static_cast<std::size_t>(m_rankBatch),
                                                         static_cast<std::size_t>(processes - 1));
                tiersOf[owner].push_back(pair->tier);
                if (owner == static_cast<std::size_t>(rank)) chosen.push_back(pair);
            }
            micro.push_back(collate(chosen, withRejected, padId, m_device));
            refs.push_back(withRejected ? referenceFor(micro.back(), chosen) : ReferenceLogps{});
        }
        std::vector<std::string> tiers;
        for (const auto& t : tiersOf) tiers.insert(tiers.end(), t.begin(), t.end());
        std::vector<const Batch*> pointers;
        for (const auto& b : micro) pointers.push_back(&b);
        const double lr = learningRateAt(m_config.optimizer, m_config.schedule,
                                         static_cast<int>(m_stepsDone), m_config.maxSteps);
        const StepResult result = runStepOrExplain(pointers, refs, lr);
        const std::int64_t step = m_stepsDone + 1;
        if (!result.finite) {
            // The weights were not updated: they are still those after step m_stepsDone.
            if (m_stepsDone > 0 && m_lastCheckpointStep != m_stepsDone) {
                checkpoint(m_stepsDone, "last-good");
            }
            std::string ids;
            for (const auto& b : micro) {
                for (auto id : b.pairIds) {
                    if (!ids.empty()) ids += ' ';
                    ids += std::to_string(id);
                }
            }
            throw Error("step " + std::to_string(step) + ": the " +
                        (std::isfinite(result.loss) ? "gradient norm" : "loss") + " is " +
                        (std::isnan(result.loss) || std::isnan(result.gradNorm) ? "NaN" : "infinite") +
                        "; the run stopped before updating the weights. The last good checkpoint is "
                        "step " + std::to_string(m_lastCheckpointStep.value_or(0)) +
                        ". Lower the learning rate or check this batch's pairs (ids " + ids + ")");
        }
        m_stepsDone = step;
        m_tokensSeen += result.tokens;
        recordStep(step, result, tiers, seconds(std::chrono::steady_clock::now() - started));
        if (step % 10 == 0 || step == m_config.maxSteps) {
            checkSameWeights("after step " + std::to_string(step));
        }

        if (m_config.evalEvery > 0 && step % m_config.evalEvery == 0 && step < m_config.maxSteps) {
            if (m_comm) m_comm->setActivity("the evaluation at step " + std::to_string(step));
            evaluate(step);
        }
        const bool periodic = m_config.checkpointEvery > 0 && step % m_config.checkpointEvery == 0;
        if ((periodic || m_controls.checkpointRequested.exchange(false)) && step < m_config.maxSteps) {
            if (m_comm) m_comm->setActivity("the checkpoint of step " + std::to_string(step));
            checkpoint(step, "periodic");
        }
        const int winRateEvery = m_config.winRate.every;
        const bool judged = !m_config.winRate.reference.empty();
        if (judged && winRateEvery > 0 && step % winRateEvery == 0 && step < m_config.maxSteps) {
            if (m_winRate) evaluateWinRate(step);
            // Rank 0 generates and judges alone: the others wait longer than for a step.
            if (m_comm) m_comm->barrier(std::chrono::hours(24));
        }
    }

    evaluate(m_stepsDone);
    checkpoint(m_stepsDone, "final");
    if (m_winRate) evaluateWinRate(m_stepsDone);
    if (m_config.marginPairs > 0) writePairMargins(m_stepsDone);
    flushMetrics(true);
    if (writer()) {
        retryWhileBusy("marking the run finished", [this] {
            store::RunStore(m_workspace->db()).finish(m_runId, store::RunStatus::Finished);
        });
    }
    logger()->info("run {}: finished {} steps in {}", m_runId, m_stepsDone,
                   clock::formatDuration(elapsed()));
    emit(EventKind::Finished, m_stepsDone, "finished in " + clock::formatDuration(elapsed()));
}

void Trainer::recordStep(std::int64_t step, const StepResult& r,
                         const std::vector<std::string>& tiers, double secs) {
    const double now = clock::nowSeconds();
    auto metrics = stepMetrics(r, tiers);
    const std::vector<std::pair<std::string, double>> run = {
        {"learning_rate", learningRateAt(m_config.optimizer, m_config.schedule,
                                         static_cast<int>(step - 1), m_config.maxSteps)},
        {"tokens_per_second", secs > 0 ? static_cast<double>(r.tokens) / secs : 0.0},
        // The tokens trained on so far: the x of the Plots and Compare panes' tokens axis.
        {kTokensSeenMetric, static_cast<double>(m_tokensSeen)},
        // Training time so far, resumed sessions included and time stopped left out: what the
        // runs list shows as a run's duration and estimates its time left from.
        {"time/train_seconds", elapsed()},
        {"curriculum/stage", static_cast<double>(m_stage + 1)},
    };
    // What the run holds (resident memory; the GPU's memory in use on CUDA, as NVML reports it),
    // at most every few seconds: asking NVML costs milliseconds.
    std::vector<std::pair<std::string, double>> resources;
    const auto clockNow = std::chrono::steady_clock::now();
    if (clockNow - m_lastResources >= std::chrono::seconds(5) || step == m_startStep + 1) {
        m_lastResources = clockNow;
        // The processes of this session (a data-parallel run's), and rank 0's memory.
        if (step == m_startStep + 1) {
            resources.emplace_back("system/processes", m_comm ? m_comm->size() : 1.0);
        }
        if (const auto rss = residentMemory(); rss > 0) {
            resources.emplace_back("system/resident_bytes", static_cast<double>(rss));
        }
        if (!m_device.is_cpu()) {
            if (const auto used = deviceMemoryUsed(m_device.str()); used > 0) {
                resources.emplace_back("system/gpu_used_bytes", static_cast<double>(used));
            }
        }
    }
    metrics.insert(metrics.begin() + 3, run.begin(), run.end());  // after loss, logps, grad_norm
    metrics.insert(metrics.end(), resources.begin(), resources.end());
    if (m_metrics) {
        for (const auto& [name, value] : metrics) m_metrics->add(m_runId, step, name, value, now);
    }
    flushMetrics(false);
    emit(EventKind::Step, step, {}, std::move(metrics));
}

void Trainer::flushMetrics(bool force) {
    if (!m_metrics) return;  // a data-parallel run's rank 0 writes them
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - m_lastFlush < std::chrono::seconds(1)) return;
    // Another process may hold the write lock for a while (an import, a pairs build): the rows
    // stay pending and go with a later flush. A forced flush (checkpoint, end of run) waits.
    const auto write = [this] {
        m_metrics->flush();
        store::RunStore(m_workspace->db()).heartbeat(m_runId, m_stepsDone);
    };
    try {
        if (force) {
            retryWhileBusy("saving the metrics", write);
        } else {
            try {
                write();
            } catch (const store::BusyError& e) {
                logger()->warn(
                    "run {}: the workspace is busy; {} metric rows wait for the next try ({})",
                    m_runId, m_metrics->pending(), e.what());
            }
        }
    } catch (const store::BusyError&) {
        throw;  // says itself who holds the workspace
    } catch (const Error& e) {
        throw Error("step " + std::to_string(m_stepsDone) + ": saving the metrics failed: " +
                    e.what() + ". " + afterFailedWrite());
    }
    m_lastFlush = now;
}

std::string Trainer::afterFailedWrite() const {
    const std::string id = std::to_string(m_runId);
    return "The run stopped; the metrics and checkpoints saved before are kept. Fix the cause (a "
           "full disk: free some space), then resume run " + id + " (Runs > Resume from Last "
           "Checkpoint, or `ladder-cli train -w " + m_workspace->path().string() + " --resume " +
           id + "`): it goes on from " +
           (m_lastCheckpointStep ? "its checkpoint of step " + std::to_string(*m_lastCheckpointStep)
                                 : std::string("step 0, as it has no checkpoint yet"));
}

void Trainer::retryWhileBusy(const char* what, const std::function<void()>& write) {
    constexpr int kAttempts = 10;  // each waits up to the connection's busy timeout
    for (int attempt = 1;; ++attempt) {
        try {
            write();
            return;
        } catch (const store::BusyError& e) {
            if (attempt >= kAttempts) throw;
            logger()->warn("run {}: {}: the workspace is busy (try {} of {}): {}", m_runId, what,
                           attempt, kAttempts, e.what());
        }
    }
}

std::vector<const TokenizedPair*> Trainer::pairsNeedingReference() const {
    std::vector<char> drawn(m_train.size(), 0);
    // A copy of the sampler draws the same batches the run will (it is deterministic).
    // Micro-batch by micro-batch, as trainLoop draws them (one batch of batchSize x gradAccum
    // pairs would be other pairs: the curriculum's tier mix is drawn per batch).
    curriculum::LengthGroupedSampler sampler = *m_sampler;
    const std::int64_t microSteps = std::int64_t{m_config.maxSteps} * std::max(1, m_config.gradAccum);
    for (std::int64_t step = 0; step < microSteps; ++step) {
        for (auto i : sampler.nextBatch(static_cast<std::size_t>(m_globalBatch))) {
            drawn.at(static_cast<std::size_t>(i)) = 1;
        }
    }
    std::vector<const TokenizedPair*> out;
    for (std::size_t i = 0; i < m_train.size(); ++i) {
        if (drawn[i]) out.push_back(&m_train[i]);
    }
    for (const auto& p : m_heldout) out.push_back(&p);
    for (const auto& set : {marginPairSet(), dynamicsSample()}) {
        for (const TokenizedPair* p : set) {
            if (p < m_train.data() || p >= m_train.data() + m_train.size()) continue;  // held out
            const auto i = static_cast<std::size_t>(p - m_train.data());
            if (!drawn[i]) out.push_back(p);
            drawn[i] = 1;  // once, though both sets name it
        }
    }
    return out;
}

void Trainer::checkpoint(std::int64_t step, const std::string& kind) {
    if (!writer()) {  // rank 0 writes a data-parallel run's checkpoints
        m_lastCheckpointStep = step;
        return;
    }
    const std::string relative = "run-" + std::to_string(m_runId) + "/step-" + std::to_string(step);
    const fs::path folder = m_workspace->checkpointDir() / relative;
    TrainerState state;
    state.step = step;
    state.sampler = m_sampler->position().toJson();
    state.elapsedSeconds = elapsed();
    state.tokensSeen = m_tokensSeen;
    state.referenceKey = m_referenceKey;
    state.generatorState = saveGeneratorState(m_device);
    try {
        saveTrainingCheckpoint(folder, *m_policy.model, m_step->optimizer(), *m_policy.tokenizer,
                               state, m_policy.folder, kind == "final" && m_config.loraSaveMerged,
                               text::parseByteSize(m_config.checkpointMaxShardSize,
                                                   "checkpoint.max_shard_size"),
                               m_master.get());
    } catch (const Error& e) {
        throw Error("step " + std::to_string(step) + ": " + e.what() + ". " + afterFailedWrite());
    }
    store::RunStore(m_workspace->db()).addCheckpoint(m_runId, step, relative, kind);
    m_lastCheckpointStep = step;
    flushMetrics(true);
    logger()->info("run {}: checkpoint {} ({})", m_runId, folder.string(), kind);
    emit(EventKind::Checkpoint, step, folder.string());
    pruneCheckpoints();
}

void Trainer::pruneCheckpoints() {
    store::RunStore runs(m_workspace->db());
    auto all = runs.checkpoints(m_runId);
    std::vector<store::CheckpointRecord> periodic;
    for (const auto& c : all) {
        if (c.kind == "periodic") periodic.push_back(c);
    }
    const auto keep = static_cast<std::size_t>(std::max(1, m_config.keepCheckpoints));
    std::vector<std::string> listed;
    for (const auto& c : all) listed.push_back(c.path);
    for (std::size_t i = 0; i + keep < periodic.size(); ++i) {
        // The row first: killed in between, the workspace never lists a folder half deleted (the
        // folder left over goes at the next checkpoint, below).
        runs.removeCheckpoint(periodic[i].id);
        std::erase(listed, periodic[i].path);
        // Only a folder inside this run's own checkpoint folder (checkpoint_paths.h).
        store::removeCheckpointFolder(m_workspace->checkpointDir(), m_runId, periodic[i].path);
    }
    // What a killed process of this run left: folders of deleted rows, half-written checkpoints.
    store::removeUnlistedCheckpointFolders(m_workspace->checkpointDir(), m_runId, listed);
}

// --- the worker's entry point -----------------------------------------------------------------

void runTraining(const JobRequest& request, TrainingControls& controls, EventQueue& events) {
    Trainer trainer(request, controls, events);
    try {
        trainer.run();
    } catch (const Error& e) {
        trainer.fail(e.what());
    } catch (const c10::Error& e) {
        trainer.fail(std::string("LibTorch: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        trainer.fail(e.what());
    } catch (...) {
        trainer.fail("unknown error");
    }
}

}  // namespace ladder::train
