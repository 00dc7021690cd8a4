#include "core/pairs/pair_dynamics.h"

#include <map>

#include "core/common/error.h"
#include "core/pairs/pair_margins.h"

namespace ladder::pairs {

void savePairMarginStep(store::Database& db, std::int64_t runId, std::int64_t step,
                        const std::vector<std::pair<std::int64_t, double>>& marginByPair) {
    store::Transaction tx(db);
    checkMarginsToStore(db, runId, step, marginByPair);
    // INSERT ... SELECT: a pair rebuilt away since the run loaded it is left out.
    auto insert = db.prepare(
        "INSERT OR REPLACE INTO pair_margin_steps(run_id, pair_id, step, margin) "
        "SELECT ?1, id, ?3, ?4 FROM pairs WHERE id = ?2");
    for (const auto& [pairId, margin] : marginByPair) {
        insert.bind(1, runId).bind(2, pairId).bind(3, step).bind(4, margin).run();
    }
    tx.commit();
}

const char* toString(PairLearning learning) {
    switch (learning) {
        case PairLearning::NeverLearned: return "never learned";
        case PairLearning::LearnedAt: return "learned";
        case PairLearning::Forgotten: return "forgotten";
        case PairLearning::RightFromTheStart: return "right from the start";
    }
    return "?";
}

PairLearning classify(const std::vector<std::pair<std::int64_t, double>>& margins,
                      std::int64_t* learnedAt) {
    bool everRight = false;
    for (const auto& m : margins) everRight = everRight || m.second > 0;
    if (!everRight || margins.empty()) return PairLearning::NeverLearned;
    if (margins.back().second <= 0) return PairLearning::Forgotten;
    // Right at the end: from where on?
    std::size_t from = margins.size() - 1;
    while (from > 0 && margins[from - 1].second > 0) --from;
    if (from == 0) return PairLearning::RightFromTheStart;
    if (learnedAt) *learnedAt = margins[from].first;
    return PairLearning::LearnedAt;
}

std::vector<PairDynamics> pairDynamics(store::Database& db, std::int64_t runId) {
    auto s = db.prepare(
        "SELECT m.pair_id, m.step, m.margin, p.tier, src.name, p.split "
        "FROM pair_margin_steps m JOIN pairs p ON p.id = m.pair_id "
        "JOIN responses c ON c.id = p.chosen_id JOIN sources src ON src.id = c.source_id "
        "WHERE m.run_id = ? ORDER BY m.pair_id, m.step");
    s.bind(1, runId);
    std::vector<PairDynamics> out;
    while (s.step()) {
        const std::int64_t pair = s.int64(0);
        if (out.empty() || out.back().pairId != pair) {
            PairDynamics d;
            d.pairId = pair;
            d.tier = s.text(3);
            d.chosenSource = s.text(4);
            d.heldOut = s.text(5) == "heldout";
            out.push_back(std::move(d));
        }
        out.back().margins.emplace_back(s.int64(1), s.real(2));
    }
    std::erase_if(out, [](const PairDynamics& d) { return d.margins.size() < 2; });
    for (auto& d : out) d.learning = classify(d.margins, &d.learnedAt);
    return out;
}

std::optional<std::int64_t> nearestMarginStep(store::Database& db, std::int64_t runId, double step) {
    auto s = db.prepare(
        "SELECT step FROM pair_margin_steps WHERE run_id = ? GROUP BY step "
        "ORDER BY abs(step - ?), step LIMIT 1");
    s.bind(1, runId).bind(2, step);
    if (!s.step()) return std::nullopt;
    return s.int64(0);
}

std::vector<StepMargin> marginsAtStep(store::Database& db, std::int64_t runId, std::int64_t step) {
    auto s = db.prepare(
        "SELECT m.pair_id, p.tier, p.split, m.margin FROM pair_margin_steps m "
        "JOIN pairs p ON p.id = m.pair_id WHERE m.run_id = ? AND m.step = ? "
        "ORDER BY m.margin, m.pair_id");
    s.bind(1, runId).bind(2, step);
    std::vector<StepMargin> out;
    while (s.step()) out.push_back({s.int64(0), s.text(1), s.text(2) == "heldout", s.real(3)});
    return out;
}

std::vector<Learnability> learnability(const std::vector<PairDynamics>& pairs, bool bySource,
                                       bool heldOut) {
    std::map<std::string, Learnability> groups;
    for (const auto& d : pairs) {
        if (d.heldOut != heldOut) continue;
        auto& g = groups[bySource ? d.chosenSource : d.tier];
        g.group = bySource ? d.chosenSource : d.tier;
        ++g.pairs;
        switch (d.learning) {
            case PairLearning::NeverLearned: ++g.neverLearned; break;
            case PairLearning::LearnedAt: ++g.learned; break;
            case PairLearning::Forgotten: ++g.forgotten; break;
            case PairLearning::RightFromTheStart: ++g.rightFromTheStart; break;
        }
    }
    std::vector<Learnability> out;
    for (auto& [name, g] : groups) out.push_back(std::move(g));
    return out;
}

}  // namespace ladder::pairs
