// Where a run branched off: a run that starts from another run's checkpoint (a DPO run after an
// SFT run) continues that run's steps. Plots draw it on one axis with its parent: its own steps
// after the parent's step at the branching point, the parent up to that point. No LibTorch here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ladder::store {
class Database;
}

namespace ladder::train {

// The axis curves are drawn against: optimizer steps, or the tokens trained on (a run's
// kTokensSeenMetric at each step), which compares runs of different batch sizes and lengths.
enum class ChainAxis { Steps, Tokens };

// The metric each step records: the tokens the run trained on up to and including that step
// (prompt and answers of every pair, all processes, resumed sessions included).
inline constexpr const char* kTokensSeenMetric = "tokens_seen";

struct RunBranch {
    std::int64_t parentRunId = 0;
    std::int64_t step = 0;  // the parent's checkpoint step the child started from
    std::int64_t offset =
        0;              // where that step lies on the chained axis (the parent's own offset + step)
    double tokens = 0;  // the parent's tokens_seen at that step (0 when it recorded none)
    double tokenOffset = 0;  // where that step lies on the chained tokens axis
};

// The runs `runId` descends from, nearest first: its parent at the checkpoint it started from
// (model.checkpoint_step, or the parent's latest checkpoint for -1), that run's parent, and so on.
// Empty for a run that did not start from a run, or whose parent was deleted. A cycle (impossible
// in a workspace Ladder wrote) ends the walk.
[[nodiscard]] std::vector<RunBranch> runAncestry(store::Database& db, std::int64_t runId);

// A parent's points of `metric` on the chained axis: its steps up to the branching point, after
// its own ancestors' (branch.offset - branch.step + step; on Tokens, the tokens it trained on up to
// each step after its ancestors'). A step the parent redid after a resume counts with its latest
// value; on Tokens a step without a token count (a run from before they were recorded) is left out.
// Compare and the Plots pane draw parents with this.
[[nodiscard]] std::vector<std::pair<double, double>> branchPoints(
    store::Database& db, const RunBranch& branch, const std::string& metric,
    ChainAxis axis = ChainAxis::Steps);
// The same for several metrics at once (the parent's token counts read once), in their order.
[[nodiscard]] std::vector<std::vector<std::pair<double, double>>> branchPoints(
    store::Database& db, const RunBranch& branch, const std::vector<std::string>& metrics,
    ChainAxis axis);

// Where a run's own steps lie on an axis: after its ancestors' when chained. On Tokens a step's
// place is its tokens_seen, known for the steps recorded so far; a live view adds the steps that
// arrive (learn). Plots follow a run with this.
class RunAxis {
public:
    explicit RunAxis(ChainAxis axis = ChainAxis::Steps) : m_axis(axis) {}
    [[nodiscard]] static RunAxis load(store::Database& db, std::int64_t runId, ChainAxis axis,
                                      bool chained);
    // The same with the run's ancestry already read (empty: not chained).
    [[nodiscard]] static RunAxis load(store::Database& db, std::int64_t runId, ChainAxis axis,
                                      const std::vector<RunBranch>& ancestry);

    // nullopt on Tokens for a step whose token count is not known (yet).
    [[nodiscard]] std::optional<double> at(std::int64_t step) const;
    // A step's tokens_seen as it is recorded (a redone step's replaces the first).
    void learn(std::int64_t step, double tokensSeen) { m_tokens[step] = tokensSeen; }
    [[nodiscard]] ChainAxis axis() const { return m_axis; }
    [[nodiscard]] bool hasTokens() const { return !m_tokens.empty(); }
    [[nodiscard]] double offset() const { return m_offset; }

private:
    ChainAxis m_axis = ChainAxis::Steps;
    double m_offset = 0;
    std::map<std::int64_t, double> m_tokens;
};

// A run's curve of `metric` on an axis: with `chained`, its ancestors' points up to each branching
// point (root first), then its own after them. `errors` holds the metric's "_stderr" series at its
// steps where it has one (the win rate's standard error). Compare draws runs with this.
struct ChainedCurve {
    std::vector<double> x, y;
    std::vector<double> errorX, errors;
};
[[nodiscard]] ChainedCurve chainedCurve(store::Database& db, std::int64_t runId,
                                        const std::string& metric, ChainAxis axis, bool chained);

// The steps to add to a run's own to draw it after its ancestors (0 for a run without a parent).
[[nodiscard]] std::int64_t chainedStepOffset(store::Database& db, std::int64_t runId);

}  // namespace ladder::train
