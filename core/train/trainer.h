// The training loop of one run: set up (model, tokenizer, pairs, curriculum, reference), then
// sample, step, record, evaluate and checkpoint until max_steps, a stop, or a failure.
// Runs on the TrainingJob's thread; it owns its own workspace connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/curriculum/length_grouped_sampler.h"
#include "core/dist/communicator.h"
#include "core/format/text_format.h"
#include "core/pairs/training_pairs.h"
#include "core/store/metrics.h"
#include "core/store/owner_lock.h"
#include "core/store/workspace.h"
#include "core/train/batch.h"
#include "core/train/model_source.h"
#include "core/train/reference_cache.h"
#include "core/train/thread_budget.h"
#include "core/train/train_step.h"
#include "core/train/training_job.h"

namespace ladder::eval {
class Evaluator;
}

namespace ladder::train {

class Trainer {
public:
    Trainer(const JobRequest& request, TrainingControls& controls, EventQueue& events);
    ~Trainer();

    // Sets up and trains; throws ladder::Error (or a LibTorch error) on failure, after which
    // fail() records it.
    void run();
    // Marks the run failed in the workspace and reports it; never throws.
    void fail(const std::string& message) noexcept;

private:
    // A data-parallel run's processes meet (JobRequest::world) before anything else.
    void connectWorld();
    // Rank 0 (or a run alone) makes or resumes the run; the other ranks then follow it.
    void openRun();
    void openRunHere();
    void followRun();
    // Rank 0 alone, or a run alone, writes the workspace and the checkpoints.
    [[nodiscard]] bool writer() const { return !m_comm || m_comm->rank() == 0; }
    // A data-parallel run starts from rank 0's weights on every process (they may differ: a
    // random initialisation drawn on another machine, or while another thread drew).
    void takeRankZeroWeights();
    // Throws unless every process holds the same weights (a data-parallel run; else nothing).
    void checkSameWeights(const std::string& when);
    // The reference pass of a data-parallel run: each process computes a share of `missing`, all
    // take the whole, rank 0 stores it.
    void fillReferenceShared(const std::vector<const TokenizedPair*>& missing,
                             const ForwardOptions& forward);
    // Throws unless the config's win-rate judge runs no program, or the request approved it.
    void checkJudgeProgram(std::int64_t runId) const;
    void setUpModelAndData();
    void setUpReference();
    // The memory estimate of this run (memory_estimate.h), logged; on the CPU, a run that will not
    // fit in the free memory stops here, before its first step, saying what to change.
    void checkMemoryFits();
    // m_step->run, with the allocator's failure said as what to change.
    StepResult runStepOrExplain(const std::vector<const Batch*>& micro,
                                const std::vector<ReferenceLogps>& refs, double lr);
    void restoreCheckpoint();
    void setUpWinRate();
    void trainLoop();
    void evaluate(std::int64_t step);
    void evaluateWinRate(std::int64_t step);
    void writePairMargins(std::int64_t step);
    // Pairs scored by the current policy: a batch's pairs with their loss and, on the host, their
    // chosen/rejected rewards and chosen log-probs.
    struct ScoredPairs {
        std::vector<const TokenizedPair*> pairs;
        double loss = 0;
        std::vector<float> chosen, rejected, policyChosen;
    };
    using ScoreVisitor = std::function<void(const ScoredPairs&)>;
    // Scores pairs in evaluation mode without gradients, in batches of twice the training batch.
    void scorePairs(const std::vector<const TokenizedPair*>& pairs, const ScoreVisitor& each);
    // The pairs whose reward margins a finished run records: held-out first, then training pairs
    // evenly spread, marginPairs in all.
    [[nodiscard]] std::vector<const TokenizedPair*> marginPairSet() const;
    // The training pairs whose margins each evaluation records beside the held-out ones (per-pair
    // dynamics, pairs/pair_dynamics.h): as many as the held-out pairs evaluated, evenly spread.
    [[nodiscard]] std::vector<const TokenizedPair*> dynamicsSample() const;
    // Every pair the reference log-probs are needed for: the batches the sampler will draw until
    // max_steps, the held-out pairs and the margin pairs.
    [[nodiscard]] std::vector<const TokenizedPair*> pairsNeedingReference() const;
    void checkpoint(std::int64_t step, const std::string& kind);
    void pruneCheckpoints();
    bool waitWhilePaused();
    ReferenceLogps referenceFor(const Batch& batch, const std::vector<const TokenizedPair*>& pairs);
    // tiers[i]: the tier of result's pair i (every process's pairs in a data-parallel run).
    void recordStep(std::int64_t step, const StepResult& result,
                    const std::vector<std::string>& tiers, double seconds);
    void emit(EventKind kind, std::int64_t step, std::string message = {},
              std::vector<std::pair<std::string, double>> metrics = {});
    void flushMetrics(bool force);
    // Runs a write, again while another process holds the workspace's write lock (each try
    // waits the busy timeout): metrics and a run's status must not be lost to a busy database.
    void retryWhileBusy(const char* what, const std::function<void()>& write);
    // What a run stopped by a write that failed for good (a full disk) says after the cause:
    // what it kept and how to go on.
    [[nodiscard]] std::string afterFailedWrite() const;
    [[nodiscard]] double elapsed() const;
    [[nodiscard]] ForwardOptions forwardOptions() const;

    JobRequest m_request;
    TrainingControls& m_controls;
    EventQueue& m_events;
    RunConfig m_config;

    std::unique_ptr<dist::Communicator> m_comm;  // a data-parallel run's; null alone
    // Pairs a micro-batch draws in all processes, and this process's share of them.
    int m_globalBatch = 0;
    int m_rankBatch = 0;

    std::unique_ptr<store::Workspace> m_workspace;
    std::unique_ptr<store::MetricsWriter> m_metrics;
    std::int64_t m_runId = 0;
    store::OwnerLock m_runLock;  // held while this trainer owns the run
    ThreadClaim m_threads;       // the CPU threads this run takes, claimed for others to see
    torch::Device m_device{torch::kCPU};

    LoadedModel m_policy;
    model::CausalLM m_reference;  // frozen mode only
    model::CausalLM m_master;     // float32 master weights of a bfloat16 full fine-tuning run
    std::shared_ptr<PreferenceLoss> m_loss;
    std::unique_ptr<ReferenceCache> m_cache;  // cache mode only
    std::unique_ptr<TrainStep> m_step;
    std::optional<format::TextFormat> m_format;  // set once the model (its tokenizer) is loaded

    std::vector<TokenizedPair> m_train;
    std::vector<TokenizedPair> m_heldout;       // the fixed evaluation subset
    std::unique_ptr<curriculum::LengthGroupedSampler> m_sampler;
    std::unique_ptr<eval::Evaluator> m_winRate;  // when the config names a reference source
    std::size_t m_stage = static_cast<std::size_t>(-1);

    std::int64_t m_startStep = 0;        // where this session started (after a resume)
    std::int64_t m_stepsDone = 0;        // optimiser steps done, resumed ones included
    std::int64_t m_tokensSeen = 0;
    double m_elapsedBefore = 0;          // training seconds before this session (resume)
    std::chrono::steady_clock::time_point m_sessionStart;
    // When this session's first step began (pauses left out): the ETA counts steps from there,
    // so that setup (model load, reference pass) never inflates it, after a resume either.
    std::chrono::steady_clock::time_point m_loopStart;
    std::chrono::steady_clock::time_point m_lastFlush;
    std::chrono::steady_clock::time_point m_lastResources;  // system/... metrics last recorded
    std::optional<std::int64_t> m_lastCheckpointStep;
    std::string m_referenceKey;
};

}  // namespace ladder::train
