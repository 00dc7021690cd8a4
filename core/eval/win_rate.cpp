// summarize(): scores per prompt, then counts, mean, standard error, agreement and length view.
#include "core/eval/win_rate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/common/statistics.h"

namespace ladder::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// -1 lost, 0 tie, 1 won.
int outcomeOf(double score) {
    return score > 0.5 ? 1 : score < 0.5 ? -1 : 0;
}

double rate(double sum, std::int64_t n) {
    return n > 0 ? sum / static_cast<double>(n) : kNaN;
}

nlohmann::json number(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
}

std::string percent(double v) {
    if (!std::isfinite(v)) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * v);
    return buf;
}

}  // namespace

std::optional<double> PromptOutcome::score() const {
    double sum = 0;
    int count = 0;
    if (forward) {
        sum += *forward - 1.0;
        ++count;
    }
    if (backward) {
        sum += 2.0 - *backward;
        ++count;
    }
    if (count == 0) return std::nullopt;
    return sum / count;
}

WinRate summarize(const std::vector<PromptOutcome>& outcomes) {
    WinRate w;
    w.prompts = static_cast<std::int64_t>(outcomes.size());
    struct Decided {
        double score;
        std::int64_t length;
        std::int64_t difference;
    };
    std::vector<Decided> decided;
    double sum = 0, outputLength = 0, referenceLength = 0, repetition = 0;
    double longer = 0, same = 0, shorter = 0;
    for (const auto& o : outcomes) {
        const auto s = o.score();
        if (!s) {
            ++(o.error.empty() ? w.undecided : w.errors);
            continue;
        }
        decided.push_back({*s, o.outputLength, o.outputLength - o.referenceLength});
        sum += *s;
        const int outcome = outcomeOf(*s);
        ++(outcome > 0 ? w.wins : outcome < 0 ? w.losses : w.ties);
        if (o.forward && o.backward) {
            ++w.bothOrders;
            w.ordersAgree += outcomeOf(*o.forward - 1.0) == outcomeOf(2.0 - *o.backward) ? 1 : 0;
        }
        outputLength += static_cast<double>(o.outputLength);
        repetition += o.outputRepetition;
        referenceLength += static_cast<double>(o.referenceLength);
        const std::int64_t d = o.outputLength - o.referenceLength;
        if (d > 0) {
            ++w.longer.n;
            longer += *s;
        } else if (d < 0) {
            ++w.shorter.n;
            shorter += *s;
        } else {
            ++w.same.n;
            same += *s;
        }
    }
    w.n = static_cast<std::int64_t>(decided.size());
    w.winRate = rate(sum, w.n);
    std::vector<double> scores;
    scores.reserve(decided.size());
    for (const auto& d : decided) scores.push_back(d.score);
    w.stdError = w.n >= 2 ? stats::meanAndStandardError(scores).standardError : kNaN;
    std::vector<LengthControlledRow> rows;
    rows.reserve(decided.size());
    for (const auto& d : decided) rows.push_back({d.score, static_cast<double>(d.difference), {}});
    w.lengthControlled = fitLengthControlled(rows);
    w.positionAgreement = rate(static_cast<double>(w.ordersAgree), w.bothOrders);
    w.meanOutputLength = rate(outputLength, w.n);
    w.meanReferenceLength = rate(referenceLength, w.n);
    w.meanOutputRepetition = rate(repetition, w.n);
    w.meanLengthDifference = rate(outputLength - referenceLength, w.n);
    w.longer.winRate = rate(longer, w.longer.n);
    w.same.winRate = rate(same, w.same.n);
    w.shorter.winRate = rate(shorter, w.shorter.n);

    // Quartiles by length with equal counts, so that each bucket's win rate rests on a quarter of
    // the prompts (answers of equal length may fall into neighbouring buckets).
    std::stable_sort(decided.begin(), decided.end(),
                     [](const Decided& a, const Decided& b) { return a.length < b.length; });
    const std::size_t buckets = std::min<std::size_t>(4, decided.size());
    for (std::size_t b = 0; b < buckets; ++b) {
        const std::size_t begin = b * decided.size() / buckets;
        const std::size_t end = (b + 1) * decided.size() / buckets;
        LengthBucket bucket;
        bucket.minLength = decided[begin].length;
        bucket.maxLength = decided[end - 1].length;
        bucket.n = static_cast<std::int64_t>(end - begin);
        double bucketSum = 0;
        for (std::size_t i = begin; i < end; ++i) bucketSum += decided[i].score;
        bucket.winRate = rate(bucketSum, bucket.n);
        w.byLength.push_back(bucket);
    }
    return w;
}

nlohmann::json toJson(const WinRate& w) {
    nlohmann::json buckets = nlohmann::json::array();
    for (const auto& b : w.byLength) {
        buckets.push_back({{"min_length", b.minLength},
                           {"max_length", b.maxLength},
                           {"n", b.n},
                           {"win_rate", number(b.winRate)}});
    }
    auto split = [](const LengthSplit& s) {
        return nlohmann::json{{"n", s.n}, {"win_rate", number(s.winRate)}};
    };
    return {{"prompts", w.prompts},
            {"n", w.n},
            {"wins", w.wins},
            {"ties", w.ties},
            {"losses", w.losses},
            {"undecided", w.undecided},
            {"errors", w.errors},
            {"win_rate", number(w.winRate)},
            {"std_error", number(w.stdError)},
            {"length_controlled",
             {{"win_rate", number(w.lengthControlled.winRate)},
              {"model_weight", number(w.lengthControlled.modelWeight)},
              {"length_weight", number(w.lengthControlled.lengthWeight)},
              {"length_scale", number(w.lengthControlled.lengthScale)},
              {"converged", w.lengthControlled.converged}}},
            {"position",
             {{"both_orders", w.bothOrders},
              {"agree", w.ordersAgree},
              {"agreement", number(w.positionAgreement)}}},
            {"length",
             {{"mean_output", number(w.meanOutputLength)},
              {"mean_output_repetition", number(w.meanOutputRepetition)},
              {"mean_reference", number(w.meanReferenceLength)},
              {"mean_difference", number(w.meanLengthDifference)},
              {"buckets", buckets},
              {"longer", split(w.longer)},
              {"same", split(w.same)},
              {"shorter", split(w.shorter)}}}};
}

std::string renderWinRate(const WinRate& w) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "win rate %s ± %s (n %lld: %lld wins, %lld ties, %lld losses",
                  percent(w.winRate).c_str(), percent(w.stdError).c_str(),
                  static_cast<long long>(w.n), static_cast<long long>(w.wins),
                  static_cast<long long>(w.ties), static_cast<long long>(w.losses));
    std::string out = buf;
    if (w.undecided > 0) out += ", " + std::to_string(w.undecided) + " undecided";
    if (w.errors > 0) out += ", " + std::to_string(w.errors) + " judge errors";
    out += ")\n";
    if (std::isfinite(w.lengthControlled.winRate)) {
        std::snprintf(buf, sizeof buf,
                      "  length-controlled win rate %s (AlpacaEval 2's logistic model at equal "
                      "length; weight %+.2f on the length difference)\n",
                      percent(w.lengthControlled.winRate).c_str(), w.lengthControlled.lengthWeight);
        out += buf;
    }
    if (w.bothOrders > 0) {
        std::snprintf(buf, sizeof buf,
                      "  position: both orders agree on %lld of %lld prompts (%s)\n",
                      static_cast<long long>(w.ordersAgree), static_cast<long long>(w.bothOrders),
                      percent(w.positionAgreement).c_str());
        out += buf;
    }
    std::snprintf(buf, sizeof buf,
                  "  length: answers %.1f vs reference %.1f characters (difference %+.1f); "
                  "win rate when longer %s (n %lld), as long %s (n %lld), shorter %s (n %lld)\n",
                  w.meanOutputLength, w.meanReferenceLength, w.meanLengthDifference,
                  percent(w.longer.winRate).c_str(), static_cast<long long>(w.longer.n),
                  percent(w.same.winRate).c_str(), static_cast<long long>(w.same.n),
                  percent(w.shorter.winRate).c_str(), static_cast<long long>(w.shorter.n));
    out += buf;
    if (!w.byLength.empty()) {
        out += "  by answer length:";
        for (const auto& b : w.byLength) {
            std::snprintf(buf, sizeof buf, " [%lld-%lld] %s (n %lld)",
                          static_cast<long long>(b.minLength), static_cast<long long>(b.maxLength),
                          percent(b.winRate).c_str(), static_cast<long long>(b.n));
            out += buf;
        }
        out += "\n";
    }
    return out;
}

}  // namespace ladder::eval
