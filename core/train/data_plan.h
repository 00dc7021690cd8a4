// What a run will train on, known before its model is loaded: its pairs tokenised as the trainer
// tokenises them, the curriculum it follows, the length-grouped sampler that draws its batches,
// and how much of those batches is padding. The trainer builds its sampler here; the launcher's
// preflight and `ladder-cli train --dry-run` print the plan (padded share, longest rows, cuts)
// without loading any weights. No LibTorch in this header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/pairs/training_pairs.h"
#include "core/train/padding_share.h"

namespace ladder::store {
class Database;
class Workspace;
}  // namespace ladder::store
namespace ladder::curriculum {
struct Curriculum;
class LengthGroupedSampler;
}  // namespace ladder::curriculum

namespace ladder::train {

struct RunConfig;
struct TokenizedPair;

// The pairs of a run's data (its ladder or datasets, its tiers) in one split: "train",
// "heldout", or "" for both.
[[nodiscard]] pairs::PairSelection runPairSelection(const RunConfig& config,
                                                    const std::string& split = "train");

// What a run's data plan depends on, as one string: the config (not its name), the workspace and
// its count of pairs and of annotator decisions. The launcher plans again when it changes.
[[nodiscard]] std::string dataPlanKey(store::Workspace& workspace, const RunConfig& config);

// The curriculum a run follows: inline, stored in the workspace, a preset by name, or a uniform
// mix over the run's tiers. Presets get stage lengths that fill max_steps. Throws ladder::Error
// for a name that is none of these.
[[nodiscard]] curriculum::Curriculum chooseCurriculum(store::Database& db, const RunConfig& config,
                                                      const std::vector<pairs::TrainingPair>& train);

// The sampler of a run's micro-batches over `train` (indices into it, which must outlive the
// sampler), grouped by length within each stage (data.length_groups), max_steps x grad_accum
// micro-batches long.
[[nodiscard]] std::unique_ptr<curriculum::LengthGroupedSampler> makeRunSampler(
    const RunConfig& config, const curriculum::Curriculum& chosen,
    const std::vector<TokenizedPair>& train);

// The padding of every micro-batch `sampler` will draw from where it stands (a copy draws them;
// the sampler itself does not move).
[[nodiscard]] PaddingCount plannedPadding(const curriculum::LengthGroupedSampler& sampler,
                                          const RunConfig& config,
                                          const std::vector<TokenizedPair>& train,
                                          bool withRejected);

struct DataPlan {
    std::int64_t trainPairs = 0;
    std::string textFormat;          // the format's name
    std::int64_t longestPrompt = 0;  // tokens, after the length caps
    std::int64_t longestAnswer = 0;
    std::int64_t promptsCut = 0;     // pairs whose prompt / an answer the caps cut
    std::int64_t answersCut = 0;
    PaddingCount padding;            // over the whole run's micro-batches

    // "1,240 pairs (chatml): 4.0% of the token slots are padding (packed rows, length groups of
    // 16); longest prompt 64, answer 32 tokens; 3 prompts and 12 answers cut by the caps"
    [[nodiscard]] std::string text(const RunConfig& config) const;
};

// The plan of a new run of `config` on `workspace`: its training pairs (annotations applied),
// tokenised with the tokenizer and text format of its model (no weights are read). Throws
// ladder::Error as the trainer's setup would (no pairs, an unreadable model folder, a template
// that refuses a pair).
[[nodiscard]] DataPlan planRunData(store::Workspace& workspace, const RunConfig& config);

}  // namespace ladder::train
