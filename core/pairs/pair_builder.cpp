#include "core/pairs/pair_builder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/lists.h"
#include "core/common/log.h"
#include "core/common/random.h"
#include "core/common/text.h"
#include "core/data/bulk_write.h"
#include "core/data/prompt_key.h"
#include "core/pairs/ladder.h"
#include "core/store/run_liveness.h"
#include "core/store/runs.h"

namespace ladder::pairs {
namespace {

struct SourceRung {
    std::int64_t id = 0;
    std::string name;
    int rank = 0;
};

struct TierPlan {
    std::size_t chosen = 0;  // index into the rungs
    std::size_t rejected = 0;
    bool selected = true;
    TierReport report;
    std::vector<std::int64_t> chosenLengths;
    std::vector<std::int64_t> rejectedLengths;
    std::vector<std::int64_t> chosenTokens;  // prompt + answer
    std::vector<std::int64_t> rejectedTokens;
    std::int64_t chosenLonger = 0;
};

struct Answer {
    std::int64_t id = 0;
    std::string text;
    bool ascii = true;
    std::optional<std::string> normalized;  // made when first needed (non-ASCII text only)
    std::int64_t chars = 0;
    std::size_t tokens = 0;
    std::size_t textClass = 0;  // answers of one prompt with the same normalised text share it
};

// Throws when a run that is alive (its process holds its lock, or it is too recent to tell) trains
// on this ladder's pairs.
void refuseWhileTrainedOn(store::Database& db, const std::string& ladder) {
    for (const store::RunRecord& run : store::RunStore(db).list()) {
        if (!store::isActive(run.status) ||
            store::runLiveness(run, db.path()) == store::Liveness::Stale) {
            continue;
        }
        const auto config = nlohmann::json::parse(run.configJson, nullptr, false);
        const auto data = config.is_object() ? config.find("data") : config.end();
        if (config.is_object() && data != config.end() && data->is_object() &&
            data->value("ladder", std::string()) == ladder) {
            throw Error("run " + std::to_string(run.id) + " (" + run.name + ") is training on the "
                        "pairs of ladder " + ladder + ": rebuilding them now would pull them from "
                        "under it. Wait for it to finish, or stop it, then build again");
        }
    }
}

bool isAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// The next white-space separated word of s at or after pos (empty at the end).
std::string_view nextWord(std::string_view s, std::size_t& pos) {
    while (pos < s.size() && isAsciiSpace(s[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && !isAsciiSpace(s[pos])) ++pos;
    return s.substr(start, pos - start);
}

const std::string& normalizedOf(Answer& a) {
    if (!a.normalized) a.normalized = text::normalize(a.text);
    return *a.normalized;
}

// Equal after text::normalize(). ASCII is already NFC, so folding white space is all there is to
// it, and comparing word by word needs no copies: most of the answers of a build are ASCII.
bool sameText(Answer& a, Answer& b) {
    if (a.text == b.text) return true;
    if (!a.ascii || !b.ascii) return normalizedOf(a) == normalizedOf(b);
    std::size_t i = 0, j = 0;
    while (true) {
        const std::string_view x = nextWord(a.text, i);
        const std::string_view y = nextWord(b.text, j);
        if (x != y) return false;
        if (x.empty()) return true;
    }
}

bool isBlank(Answer& a) {
    if (!a.ascii) return normalizedOf(a).empty();
    std::size_t pos = 0;
    return nextWord(a.text, pos).empty();
}

struct ExistingPair {
    std::int64_t id = 0;
    bool annotated = false;
    bool seen = false;
};

using PairKey = std::pair<std::int64_t, std::int64_t>;  // (chosen id, rejected id)

struct PairKeyHash {
    std::size_t operator()(const PairKey& k) const {
        return std::hash<std::uint64_t>()(random::keyed(0, static_cast<std::uint64_t>(k.first),
                                                        static_cast<std::uint64_t>(k.second)));
    }
};

LengthStats statsOf(std::vector<std::int64_t>& values) {
    LengthStats s;
    s.count = static_cast<std::int64_t>(values.size());
    if (values.empty()) return s;
    std::sort(values.begin(), values.end());
    double sum = 0;
    for (const auto v : values) sum += static_cast<double>(v);
    s.mean = sum / static_cast<double>(values.size());
    const std::size_t n = values.size();
    s.median = n % 2 == 1 ? static_cast<double>(values[n / 2])
                          : 0.5 * static_cast<double>(values[n / 2 - 1] + values[n / 2]);
    s.max = values.back();
    return s;
}

std::string percent(double share) {
    return std::to_string(std::lround(share * 100.0)) + "%";
}

}  // namespace

PairBuilder::PairBuilder(store::Database& db, std::string ladderName, PairBuildOptions options)
    : m_db(db), m_ladderName(std::move(ladderName)), m_options(std::move(options)) {}

PreflightReport PairBuilder::preflight() {
    return run(false);
}

PreflightReport PairBuilder::build() {
    return run(true);
}

PreflightReport PairBuilder::run(bool write) {
    const auto start = std::chrono::steady_clock::now();
    if (!(m_options.heldoutFraction >= 0.0 && m_options.heldoutFraction < 1.0)) {
        throw Error("the held-out fraction must be at least 0 and below 1 (e.g. 0.05), not " +
                    std::to_string(m_options.heldoutFraction));
    }
    const Ladder ladder = loadLadder(m_db, m_ladderName);
    PreflightReport report;
    report.ladder = ladder.name;
    report.ladderId = ladder.id;
    report.ladderSpec = ladder.describe();

    std::vector<SourceRung> rungs;
    std::unordered_map<std::int64_t, std::size_t> rungOfSource;
    {
        auto s = m_db.prepare(
            "SELECT s.id, s.name, r.rank FROM ladder_rungs r JOIN sources s ON "
            "s.id = r.source_id WHERE r.ladder_id = ? ORDER BY r.rank, s.name");
        s.bind(1, ladder.id);
        while (s.step()) {
            rungOfSource[s.int64(0)] = rungs.size();
            rungs.push_back({s.int64(0), s.text(1), s.int32(2)});
        }
    }

    std::vector<TierPlan> tiers;
    for (const TierSpec& spec : tiersOf(ladder)) {
        TierPlan t;
        for (std::size_t i = 0; i < rungs.size(); ++i) {
            if (rungs[i].name == spec.chosenSource) t.chosen = i;
            if (rungs[i].name == spec.rejectedSource) t.rejected = i;
        }
        t.report.tier = spec.name;
        t.report.chosenSource = spec.chosenSource;
        t.report.rejectedSource = spec.rejectedSource;
        t.report.rankGap = spec.rankGap;
        t.report.difficulty = spec.difficulty;
        tiers.push_back(std::move(t));
    }
    if (!m_options.tiers.empty()) {
        for (const std::string& wanted : m_options.tiers) {
            const bool known = std::any_of(tiers.begin(), tiers.end(), [&](const TierPlan& t) {
                return t.report.tier == wanted;
            });
            if (!known) {
                std::string names;
                for (const auto& t : tiers) text::appendItem(names, t.report.tier);
                throw Error("ladder " + ladder.name + " has no tier '" + wanted +
                            "'; its tiers are " + names);
            }
        }
        for (TierPlan& t : tiers) {
            t.selected = std::find(m_options.tiers.begin(), m_options.tiers.end(), t.report.tier) !=
                         m_options.tiers.end();
            if (!t.selected) report.excludedTiers.push_back(t.report.tier);
        }
    }

    std::optional<data::BulkWrite> bulk;
    std::optional<store::Transaction> tx;
    std::unordered_map<PairKey, ExistingPair, PairKeyHash> existing;
    store::Statement upsert;
    const std::string now = clock::nowIso();
    if (write) {
        bulk.emplace(m_db);
        tx.emplace(m_db);
        // Under the write lock, so that no run can start in between: rebuilding the pairs a live
        // run trains on would pull them from under it (its margins and evaluations name them).
        refuseWhileTrainedOn(m_db, ladder.name);
        auto s = m_db.prepare(
            "SELECT p.id, p.chosen_id, p.rejected_id, a.status IS NOT NULL "
            "FROM pairs p LEFT JOIN pair_annotations a ON a.pair_id = p.id "
            "WHERE p.ladder_id = ?");
        s.bind(1, ladder.id);
        while (s.step()) {
            existing[PairKey(s.int64(1), s.int64(2))] = {s.int64(0), s.int64(3) != 0, false};
        }
        upsert = m_db.prepare(
            "INSERT INTO pairs(ladder_id, dataset_id, prompt_id, chosen_id, rejected_id, tier, "
            "rank_gap, difficulty, split, truncated, created_at) "
            "VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(ladder_id, chosen_id, rejected_id) DO UPDATE SET tier = excluded.tier, "
            "rank_gap = excluded.rank_gap, difficulty = excluded.difficulty, "
            "split = excluded.split, truncated = excluded.truncated");
    }

    const bool capChars = m_options.maxChars > 0;
    const bool countTokens = static_cast<bool>(m_options.countTokens);
    const bool capTokens = m_options.maxTokens > 0 && countTokens;
    if (countTokens) {
        report.tokenizer = m_options.tokenizerName.empty() ? "the tokenizer" : m_options.tokenizerName;
        report.maxTokens = m_options.maxTokens;
    }
    std::string sourceIds;
    for (const auto& r : rungs) text::appendItem(sourceIds, std::to_string(r.id), ",");
    // Only answers of complete 'responses' datasets (not one still being imported in chunks): a
    // verdict file's answers are the texts a judge saw,
    // and a pair file's answers already are pairs.
    auto answers = m_db.prepare(
        "SELECT r.prompt_id, r.source_id, r.id, r.text, length(r.text), p.match_key, "
        "length(p.instruction) + length(p.input), " +
        std::string(countTokens ? "p.instruction || char(10) || p.input " : "'' ") +
        // Prompt by prompt through the (prompt_id, source_id) index, in rowid order within a
        // source: no sort of every answer's text in a temporary B-tree.
        "FROM prompts p CROSS JOIN responses r ON r.prompt_id = p.id "
        "LEFT JOIN datasets d ON d.id = r.dataset_id "
        "WHERE r.source_id IN (" +
        sourceIds +
        ") AND (r.dataset_id IS NULL OR (d.kind = 'responses' AND d.state = 'complete')) "
        "ORDER BY p.id, r.source_id, r.id");

    std::vector<std::optional<Answer>> byRung(rungs.size());
    std::int64_t promptId = 0;
    std::string promptKey;
    std::int64_t promptChars = 0;
    std::size_t promptTokens = 0;
    std::vector<std::pair<std::size_t, std::size_t>>
        seenClasses;  // (chosen, rejected) text classes

    auto flushPrompt = [&] {
        if (promptId == 0) return;
        ++report.prompts;
        const char* split = data::splitFor(promptKey, m_options.heldoutFraction);
        const bool heldout = split[0] == 'h';
        seenClasses.clear();
        for (std::size_t i = 0; i < byRung.size(); ++i) {
            if (!byRung[i]) continue;
            byRung[i]->textClass = i;
            for (std::size_t j = 0; j < i; ++j) {
                if (byRung[j] && byRung[j]->textClass == j && sameText(*byRung[i], *byRung[j])) {
                    byRung[i]->textClass = j;
                    break;
                }
            }
        }
        bool any = false;
        for (TierPlan& t : tiers) {
            if (!t.selected) continue;
            auto& chosen = byRung[t.chosen];
            auto& rejected = byRung[t.rejected];
            auto drop = [&t](const char* reason) { ++t.report.dropped[reason]; };
            if (!chosen && !rejected) continue;
            if (!chosen || !rejected) {
                drop(kDropMissingAnswer);
                continue;
            }
            if (m_options.skipEmpty && (isBlank(*chosen) || isBlank(*rejected))) {
                drop(kDropEmpty);
                continue;
            }
            if (m_options.skipIdentical && chosen->textClass == rejected->textClass) {
                drop(kDropIdentical);
                continue;
            }
            if (m_options.dedupe) {
                const std::pair classes(chosen->textClass, rejected->textClass);
                if (std::find(seenClasses.begin(), seenClasses.end(), classes) !=
                    seenClasses.end()) {
                    drop(kDropDuplicate);
                    continue;
                }
                seenClasses.push_back(classes);
            }
            const std::int64_t longest = std::max(chosen->chars, rejected->chars);
            bool over =
                capChars && static_cast<std::size_t>(promptChars + longest) > m_options.maxChars;
            if (capTokens) {
                over = over || promptTokens + std::max(chosen->tokens, rejected->tokens) >
                                   m_options.maxTokens;
            }
            if (over && m_options.dropOverLength) {
                drop(kDropOverLength);
                continue;
            }
            any = true;
            ++t.report.pairs;
            ++(heldout ? t.report.heldout : t.report.train);
            if (over) ++t.report.truncated;
            t.chosenLengths.push_back(chosen->chars);
            t.rejectedLengths.push_back(rejected->chars);
            if (countTokens) {
                t.chosenTokens.push_back(static_cast<std::int64_t>(promptTokens + chosen->tokens));
                t.rejectedTokens.push_back(static_cast<std::int64_t>(promptTokens + rejected->tokens));
            }
            if (chosen->chars > rejected->chars) ++t.chosenLonger;
            if (!write) continue;
            auto it = existing.find(PairKey(chosen->id, rejected->id));
            if (it != existing.end()) {
                it->second.seen = true;
                ++report.updated;
            } else {
                ++report.inserted;
            }
            upsert.bind(1, ladder.id)
                .bind(2, promptId)
                .bind(3, chosen->id)
                .bind(4, rejected->id)
                .bind(5, t.report.tier)
                .bind(6, t.report.rankGap)
                .bind(7, t.report.difficulty)
                .bind(8, split)
                .bind(9, over ? 1 : 0)
                .bind(10, now)
                .run();
        }
        if (any) ++report.promptsWithPairs;
        for (auto& a : byRung) a.reset();
    };

    while (answers.step()) {
        const std::int64_t pid = answers.int64(0);
        if (pid != promptId) {
            flushPrompt();
            promptId = pid;
            promptKey = answers.text(5);
            promptChars = answers.int64(6);
            if (countTokens) promptTokens = m_options.countTokens(answers.textView(7));
        }
        const std::size_t rung = rungOfSource.at(answers.int64(1));
        if (byRung[rung]) {  // the same source answered this prompt again: the first answer counts
            ++report.duplicateAnswers;
            continue;
        }
        Answer a;
        a.id = answers.int64(2);
        const std::string_view text = answers.textView(3);
        a.text.assign(text);
        a.ascii = std::all_of(text.begin(), text.end(),
                              [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        a.chars = answers.int64(4);
        if (countTokens) a.tokens = m_options.countTokens(text);
        byRung[rung] = std::move(a);
    }
    flushPrompt();

    for (TierPlan& t : tiers) {
        if (!t.selected) continue;
        TierReport& r = t.report;
        r.chosenChars = statsOf(t.chosenLengths);
        r.rejectedChars = statsOf(t.rejectedLengths);
        r.chosenTokens = statsOf(t.chosenTokens);
        r.rejectedTokens = statsOf(t.rejectedTokens);
        r.chosenLongerShare =
            r.pairs > 0 ? static_cast<double>(t.chosenLonger) / static_cast<double>(r.pairs) : 0.0;
        r.lengthBias = r.pairs > 0 && r.chosenLongerShare >= kLengthBiasShare &&
                       r.chosenChars.mean >= kLengthBiasRatio * r.rejectedChars.mean;
        for (const auto& [reason, n] : r.dropped) report.dropped[reason] += n;
        report.pairs += r.pairs;
        report.train += r.train;
        report.heldout += r.heldout;
        report.truncated += r.truncated;
        if (r.pairs == 0) {
            report.warnings.push_back("tier " + r.tier +
                                      " has no pairs: do both sources have "
                                      "answers to the same prompts?");
        }
        if (r.lengthBias) {
            report.warnings.push_back(
                "length bias in tier " + r.tier + ": chosen is longer in " +
                percent(r.chosenLongerShare) + " of pairs (mean " +
                std::to_string(std::lround(r.chosenChars.mean)) + " vs " +
                std::to_string(std::lround(r.rejectedChars.mean)) +
                " characters); DPO may learn to prefer length over quality. A length cap "
                "(--max-chars) or a tier mix with less bias helps");
        }
        report.tiers.push_back(std::move(r));
    }
    if (report.duplicateAnswers > 0) {
        report.warnings.push_back(std::to_string(report.duplicateAnswers) +
                                  " further answers of a source to a prompt it had already "
                                  "answered were ignored (the first imported answer is used)");
    }

    if (write) {
        auto remove = m_db.prepare("DELETE FROM pairs WHERE id = ?");
        for (const auto& [key, pair] : existing) {
            if (pair.seen) continue;
            remove.bind(1, pair.id).run();
            ++report.removed;
            if (pair.annotated) ++report.removedAnnotated;
        }
        m_db.prepare("UPDATE ladders SET updated_at = ? WHERE id = ?")
            .bind(1, now)
            .bind(2, ladder.id)
            .run();
        tx->commit();
        report.written = true;
        if (report.removedAnnotated > 0) {
            report.warnings.push_back(std::to_string(report.removedAnnotated) +
                                      " annotated pairs are no longer produced by this build and "
                                      "were removed with their annotations");
        }
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log::get("pairs")->info("{} ladder {}: {} pairs ({} train, {} held out) in {:.2f} s",
                            write ? "built" : "preflight of", ladder.name, report.pairs,
                            report.train, report.heldout, report.seconds);
    return report;
}

}  // namespace ladder::pairs
