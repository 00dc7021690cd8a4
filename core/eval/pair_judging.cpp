// judgePairs(): select the ladder's pairs without a verdict of this judge, ask it in batches (both
// orders unless it is symmetric), store each pair's mean preference; agreementWithOtherJudges():
// verdicts of two judges on the same prompt and the same two sources, compared.
#include "core/eval/pair_judging.h"

#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "core/common/error.h"
#include "core/common/lists.h"
#include "core/pairs/ladder.h"

namespace ladder::eval {
namespace {

struct PairToJudge {
    std::int64_t promptId = 0;
    std::int64_t chosenId = 0;
    std::int64_t rejectedId = 0;
    Comparison forward;  // chosen first
};

std::vector<PairToJudge> selectPairs(store::Database& db, const pairs::Ladder& ladder,
                                     const PairJudgingOptions& options) {
    std::string sql =
        "SELECT p.prompt_id, p.chosen_id, p.rejected_id, p.tier, pr.instruction, pr.input, "
        "c.text, r.text, sc.name, sr.name FROM pairs p JOIN prompts pr ON pr.id = p.prompt_id "
        "JOIN responses c ON c.id = p.chosen_id JOIN responses r ON r.id = p.rejected_id "
        "JOIN sources sc ON sc.id = c.source_id JOIN sources sr ON sr.id = r.source_id "
        "WHERE p.ladder_id = ?";
    if (!options.split.empty()) sql += " AND p.split = ?";
    sql += " ORDER BY p.id";
    auto q = db.prepare(sql);
    q.bind(1, ladder.id);
    if (!options.split.empty()) q.bind(2, options.split);
    const std::set<std::string> tiers(options.tiers.begin(), options.tiers.end());
    std::set<std::string> seenTiers;
    std::vector<PairToJudge> out;
    while (q.step()) {
        const std::string tier = q.text(3);
        seenTiers.insert(tier);
        if (!tiers.empty() && !tiers.count(tier)) continue;
        PairToJudge p;
        p.promptId = q.int64(0);
        p.chosenId = q.int64(1);
        p.rejectedId = q.int64(2);
        p.forward = {q.text(4), q.text(5), q.text(6), q.text(7), q.text(8), q.text(9)};
        out.push_back(std::move(p));
    }
    for (const auto& t : tiers) {
        if (!seenTiers.count(t)) {
            throw Error("ladder " + ladder.name + " has no pairs in tier '" + t + "' (its tiers: " +
                        text::join(seenTiers, ", ") + ")");
        }
    }
    if (seenTiers.empty()) {
        throw Error("ladder " + ladder.name + " has no pairs yet: `ladder-cli pairs build --ladder " +
                    ladder.name + "` first");
    }
    const auto n = static_cast<std::size_t>(std::max(0, options.limit));
    if (n == 0 || n >= out.size()) return out;
    std::vector<PairToJudge> subset;
    for (std::size_t i = 0; i < n; ++i) subset.push_back(std::move(out[i * out.size() / n]));
    return subset;
}

// The stored preference of (chosen, rejected) from the two orders' verdicts.
std::optional<double> combined(const Verdict& forward, const Verdict* backward) {
    double sum = 0;
    int count = 0;
    if (forward.preference) {
        sum += *forward.preference - 1.0;
        ++count;
    }
    if (backward && backward->preference) {
        sum += 2.0 - *backward->preference;
        ++count;
    }
    if (count == 0) return std::nullopt;
    return 1.0 + sum / count;
}

// -1: the first answer is better, 1: the second, 0: a tie.
int winner(double preference) {
    return std::fabs(preference - 1.5) < 1e-9 ? 0 : preference < 1.5 ? -1 : 1;
}

}  // namespace

PairJudgingProgress judgePairs(store::Database& db, const std::string& ladderName, Judge& judge,
                               const PairJudgingOptions& options,
                               const std::function<void(const PairJudgingProgress&)>& progress,
                               const std::atomic<bool>* stop) {
    const auto started = std::chrono::steady_clock::now();
    const pairs::Ladder ladder = pairs::loadLadder(db, ladderName);
    const std::string name = judge.name();
    auto selected = selectPairs(db, ladder, options);

    PairJudgingProgress p;
    p.total = static_cast<std::int64_t>(selected.size());
    std::vector<PairToJudge> todo;
    {
        auto has = db.prepare(
            "SELECT 1 FROM verdicts WHERE judge = ? AND ((response_1_id = ? AND response_2_id = ?) "
            "OR (response_1_id = ? AND response_2_id = ?))");
        for (auto& pair : selected) {
            has.bind(1, name).bind(2, pair.chosenId).bind(3, pair.rejectedId);
            has.bind(4, pair.rejectedId).bind(5, pair.chosenId);
            const bool stored = has.step();
            has.reset();
            if (stored) {
                ++p.done;
                ++p.resumed;
            } else {
                todo.push_back(std::move(pair));
            }
        }
    }
    const bool bothOrders = !judge.symmetric();
    const std::size_t batch = static_cast<std::size_t>(std::max(1, options.batch));
    for (std::size_t begin = 0; begin < todo.size(); begin += batch) {
        if (stop && stop->load()) break;
        const std::size_t end = std::min(todo.size(), begin + batch);
        std::vector<Comparison> asked;
        for (std::size_t i = begin; i < end; ++i) {
            const Comparison& f = todo[i].forward;
            asked.push_back(f);
            if (bothOrders) asked.push_back({f.instruction, f.input, f.output2, f.output1, f.source2, f.source1});
        }
        const auto verdicts = judge.judge(asked);
        if (verdicts.size() != asked.size()) {
            throw Error("judge " + name + " gave " + std::to_string(verdicts.size()) +
                        " verdicts for " + std::to_string(asked.size()) + " comparisons");
        }
        store::Transaction tx(db);
        auto insert = db.prepare(
            "INSERT OR REPLACE INTO verdicts(judge, prompt_id, response_1_id, response_2_id, "
            "preference) VALUES (?, ?, ?, ?, ?)");
        for (std::size_t i = begin; i < end; ++i) {
            const std::size_t k = (i - begin) * (bothOrders ? 2 : 1);
            const auto preference = combined(verdicts[k], bothOrders ? &verdicts[k + 1] : nullptr);
            const bool failed = !preference && !verdicts[k].error.empty() &&
                                (!bothOrders || !verdicts[k + 1].error.empty());
            if (failed) {
                ++p.errors;  // nothing stored: the next call asks again
                continue;
            }
            insert.bind(1, name).bind(2, todo[i].promptId).bind(3, todo[i].chosenId);
            insert.bind(4, todo[i].rejectedId).bind(5, preference).run();
            ++p.done;
        }
        tx.commit();
        p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (progress) progress(p);
    }
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return p;
}

double JudgesAgreement::share() const {
    return prompts > 0 ? static_cast<double>(same) / static_cast<double>(prompts) : 0.0;
}

std::vector<JudgesAgreement> agreementWithOtherJudges(store::Database& db, const std::string& judge) {
    auto q = db.prepare(
        "SELECT b.judge, a.preference, b.preference, ra1.source_id, ra2.source_id, rb1.source_id, "
        "rb2.source_id FROM verdicts a JOIN verdicts b ON b.prompt_id = a.prompt_id AND "
        "b.judge <> a.judge JOIN responses ra1 ON ra1.id = a.response_1_id JOIN responses ra2 ON "
        "ra2.id = a.response_2_id JOIN responses rb1 ON rb1.id = b.response_1_id JOIN responses "
        "rb2 ON rb2.id = b.response_2_id WHERE a.judge = ? AND a.preference IS NOT NULL AND "
        "b.preference IS NOT NULL ORDER BY b.judge");
    q.bind(1, judge);
    std::map<std::string, JudgesAgreement> byJudge;
    while (q.step()) {
        const std::int64_t a1 = q.int64(3), a2 = q.int64(4), b1 = q.int64(5), b2 = q.int64(6);
        double other = q.real(2);
        if (a1 == b2 && a2 == b1 && a1 != a2) {
            other = 3.0 - other;  // the other judge saw them the other way round
        } else if (a1 != b1 || a2 != b2) {
            continue;  // other sources
        }
        JudgesAgreement& agreement = byJudge[q.text(0)];
        agreement.other = q.text(0);
        ++agreement.prompts;
        if (winner(q.real(1)) == winner(other)) ++agreement.same;
    }
    std::vector<JudgesAgreement> out;
    for (auto& [name, agreement] : byJudge) out.push_back(agreement);
    return out;
}

}  // namespace ladder::eval
