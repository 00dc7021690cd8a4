// selfRankPairs(): the source's answers grouped by prompt, every two judged, scores per answer,
// then best against worst written as the ladder's pairs.
#include "core/eval/self_rank.h"

#include <chrono>
#include <map>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/data/prompt_key.h"
#include "core/pairs/ladder.h"

namespace ladder::eval {
namespace {

struct Answer {
    std::int64_t responseId = 0;
    std::string text;
    double score = 0;  // sum of its preferences in [0, 1]
    int comparisons = 0;
};

struct PromptSamples {
    std::int64_t promptId = 0;
    std::string instruction;
    std::string input;
    std::string matchKey;
    std::vector<Answer> answers;
};

std::vector<PromptSamples> samplesOf(store::Database& db, const std::string& source) {
    auto q = db.prepare(
        "SELECT p.id, p.instruction, p.input, p.match_key, r.id, r.text FROM responses r "
        "JOIN sources s ON s.id = r.source_id JOIN prompts p ON p.id = r.prompt_id "
        "LEFT JOIN datasets d ON d.id = r.dataset_id WHERE s.name = ? AND "
        "(d.id IS NULL OR d.state = 'complete') ORDER BY p.id, r.id");
    q.bind(1, source);
    std::vector<PromptSamples> out;
    while (q.step()) {
        if (out.empty() || out.back().promptId != q.int64(0)) {
            out.push_back({q.int64(0), q.text(1), q.text(2), q.text(3), {}});
        }
        out.back().answers.push_back({q.int64(4), q.text(5), 0, 0});
    }
    std::erase_if(out, [](const PromptSamples& p) { return p.answers.size() < 2; });
    return out;
}

}  // namespace

SelfRankResult selfRankPairs(store::Database& db, Judge& judge, const SelfRankOptions& options,
                             const std::function<void(std::int64_t, std::int64_t)>& progress) {
    const auto started = std::chrono::steady_clock::now();
    SelfRankResult result;
    result.ladder = options.ladder.empty() ? options.source + "-self" : options.ladder;
    result.tier = options.source + ":best>worst";
    auto prompts = samplesOf(db, options.source);
    if (prompts.empty()) {
        throw Error("source " + options.source + " has no prompt with two answers or more in " +
                    db.path().string() +
                    ": generate them with `ladder-cli generate-source --samples-per-prompt K "
                    "--temperature T`");
    }
    result.prompts = static_cast<std::int64_t>(prompts.size());
    const bool bothOrders = !judge.symmetric();
    std::int64_t done = 0;
    for (auto& p : prompts) {
        std::vector<Comparison> asked;
        std::vector<std::pair<std::size_t, std::size_t>> who;  // answers of each comparison
        for (std::size_t i = 0; i < p.answers.size(); ++i) {
            for (std::size_t j = i + 1; j < p.answers.size(); ++j) {
                asked.push_back({p.instruction, p.input, p.answers[i].text, p.answers[j].text,
                                 options.source, options.source});
                who.emplace_back(i, j);
                if (bothOrders) {
                    asked.push_back({p.instruction, p.input, p.answers[j].text, p.answers[i].text,
                                     options.source, options.source});
                    who.emplace_back(j, i);
                }
            }
        }
        const auto verdicts = judge.judge(asked);
        result.comparisons += static_cast<std::int64_t>(asked.size());
        for (std::size_t k = 0; k < verdicts.size() && k < who.size(); ++k) {
            if (!verdicts[k].preference) continue;
            const double second = *verdicts[k].preference - 1.0;  // how much output_2 won
            Answer& first = p.answers[who[k].first];
            Answer& other = p.answers[who[k].second];
            first.score += 1.0 - second;
            other.score += second;
            ++first.comparisons;
            ++other.comparisons;
        }
        ++done;
        if (progress) progress(done, result.prompts);
    }

    const std::int64_t ladderId =
        pairs::saveLadder(db, pairs::Ladder{0, result.ladder, {{options.source, 1}}});
    store::Transaction tx(db);
    db.prepare("DELETE FROM pairs WHERE ladder_id = ?").bind(1, ladderId).run();
    auto insert = db.prepare(
        "INSERT INTO pairs(ladder_id, prompt_id, chosen_id, rejected_id, tier, rank_gap, "
        "difficulty, split, created_at) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?)");
    const std::string now = clock::nowIso();
    for (const auto& p : prompts) {
        const Answer* best = nullptr;
        const Answer* worst = nullptr;
        const auto mean = [](const Answer& a) {
            return a.comparisons ? a.score / a.comparisons : 0.5;
        };
        for (const auto& a : p.answers) {
            if (a.comparisons == 0) continue;
            if (!best || mean(a) > mean(*best)) best = &a;
            if (!worst || mean(a) < mean(*worst)) worst = &a;
        }
        if (!best || !worst || !(mean(*best) > mean(*worst) + 1e-12)) {
            ++result.undecided;
            continue;
        }
        insert.bind(1, ladderId).bind(2, p.promptId).bind(3, best->responseId);
        insert.bind(4, worst->responseId).bind(5, result.tier);
        insert.bind(6, data::splitFor(p.matchKey, options.heldoutFraction)).bind(7, now).run();
        ++result.pairs;
    }
    tx.commit();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

}  // namespace ladder::eval
