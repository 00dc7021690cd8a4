#include "core/pairs/judge_agreement.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "core/common/lists.h"
#include "core/common/text.h"
#include "core/pairs/ladder.h"

namespace ladder::pairs {

double TierAgreement::agreement() const {
    const std::int64_t decided = agree + disagree + ties;
    return decided > 0 ? static_cast<double>(agree) / static_cast<double>(decided) : 0.0;
}

JudgeAgreementReport judgeAgreement(store::Database& db, const std::string& ladderName) {
    const Ladder ladder = loadLadder(db, ladderName);
    JudgeAgreementReport report;
    report.ladder = ladder.name;

    struct SourceRank {
        std::string name;
        int rank;
    };
    std::unordered_map<std::int64_t, SourceRank> sources;
    std::string ids;
    {
        auto s = db.prepare(
            "SELECT s.id, s.name, r.rank FROM ladder_rungs r JOIN sources s ON "
            "s.id = r.source_id WHERE r.ladder_id = ?");
        s.bind(1, ladder.id);
        while (s.step()) {
            sources[s.int64(0)] = {s.text(1), s.int32(2)};
            text::appendItem(ids, std::to_string(s.int64(0)), ",");
        }
    }
    if (ids.empty()) return report;

    auto verdicts = db.prepare(
        "SELECT v.id, v.judge, v.prompt_id, v.response_1_id, v.response_2_id, v.preference, "
        "r1.source_id, r2.source_id, r1.text, r2.text FROM verdicts v "
        "JOIN responses r1 ON r1.id = v.response_1_id JOIN responses r2 ON r2.id = v.response_2_id "
        "WHERE r1.source_id IN (" +
        ids + ") AND r2.source_id IN (" + ids + ") ORDER BY v.id");
    auto pairAt = db.prepare(
        "SELECT p.id, p.chosen_id, p.rejected_id, c.text, r.text FROM pairs p "
        "JOIN responses c ON c.id = p.chosen_id JOIN responses r ON r.id = p.rejected_id "
        "WHERE p.ladder_id = ? AND p.prompt_id = ? AND p.tier = ?");

    std::map<std::pair<std::string, std::string>, TierAgreement> byTierJudge;
    while (verdicts.step()) {
        const SourceRank& s1 = sources.at(verdicts.int64(6));
        const SourceRank& s2 = sources.at(verdicts.int64(7));
        if (s1.rank == s2.rank) continue;  // a tie in the ladder: nothing to agree with
        const bool higherFirst = s1.rank < s2.rank;
        const std::string tier =
            higherFirst ? tierName(s1.name, s2.name) : tierName(s2.name, s1.name);
        const std::string judge = verdicts.text(1);
        TierAgreement& a = byTierJudge[{tier, judge}];
        a.tier = tier;
        a.judge = judge;
        ++a.verdicts;

        const std::int64_t promptId = verdicts.int64(2);
        const std::int64_t higherId = verdicts.int64(higherFirst ? 3 : 4);
        const std::int64_t lowerId = verdicts.int64(higherFirst ? 4 : 3);
        std::int64_t pairId = 0;
        bool sameTexts = false;
        pairAt.bind(1, ladder.id).bind(2, promptId).bind(3, tier);
        if (pairAt.step()) {
            pairId = pairAt.int64(0);
            ++a.withPair;
            sameTexts = (pairAt.int64(1) == higherId && pairAt.int64(2) == lowerId) ||
                        (text::normalize(pairAt.textView(3)) ==
                             text::normalize(verdicts.textView(higherFirst ? 8 : 9)) &&
                         text::normalize(pairAt.textView(4)) ==
                             text::normalize(verdicts.textView(higherFirst ? 9 : 8)));
            if (sameTexts) ++a.sameTexts;
        }
        pairAt.reset();

        const std::optional<double> preference = verdicts.optReal(5);
        if (!preference || *preference == 0.0) {
            ++a.undecided;
            continue;
        }
        if (std::fabs(*preference - 1.5) < 1e-9) {
            ++a.ties;
            continue;
        }
        const bool firstBetter = *preference < 1.5;
        if (firstBetter == higherFirst) {
            ++a.agree;
        } else {
            ++a.disagree;
            report.disagreements.push_back(
                {verdicts.int64(0), pairId, promptId, tier, judge, *preference, sameTexts});
        }
    }
    for (const TierSpec& t : tiersOf(ladder)) {
        for (auto& [key, agreement] : byTierJudge) {
            if (key.first == t.name) report.tiers.push_back(agreement);
        }
    }
    return report;
}

std::string renderJudgeAgreement(const JudgeAgreementReport& report,
                                 std::size_t listDisagreements) {
    std::string out;
    char buf[512];
    if (report.tiers.empty()) {
        return "no judge verdicts on answers of ladder " + report.ladder +
               "'s sources (import an AlpacaEval annotations file to check the ladder)\n";
    }
    out += "judge agreement with ladder " + report.ladder + ":\n";
    for (const TierAgreement& a : report.tiers) {
        std::snprintf(buf, sizeof buf,
                      "  %-40s %-20s agrees in %lld of %lld (%.1f%% of decided); against %lld, "
                      "ties %lld, undecided %lld; %lld on built pairs (%lld on the same texts)\n",
                      a.tier.c_str(), a.judge.c_str(), static_cast<long long>(a.agree),
                      static_cast<long long>(a.verdicts), a.agreement() * 100.0,
                      static_cast<long long>(a.disagree), static_cast<long long>(a.ties),
                      static_cast<long long>(a.undecided), static_cast<long long>(a.withPair),
                      static_cast<long long>(a.sameTexts));
        out += buf;
    }
    const std::size_t n = std::min(listDisagreements, report.disagreements.size());
    if (n > 0)
        out += "verdicts against the ladder (pair id, prompt id, tier, judge, same texts):\n";
    for (std::size_t i = 0; i < n; ++i) {
        const Disagreement& d = report.disagreements[i];
        std::snprintf(buf, sizeof buf, "  pair %-8lld prompt %-8lld %-40s %s%s\n",
                      static_cast<long long>(d.pairId), static_cast<long long>(d.promptId),
                      d.tier.c_str(), d.judge.c_str(), d.sameTexts ? "" : " (other texts)");
        out += buf;
    }
    if (report.disagreements.size() > n && n > 0) {
        out += "  ... " + std::to_string(report.disagreements.size() - n) + " more\n";
    }
    return out;
}

}  // namespace ladder::pairs
