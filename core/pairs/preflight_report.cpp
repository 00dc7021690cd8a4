#include "core/pairs/preflight_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/common/lists.h"

namespace ladder::pairs {
namespace {

std::string format(const char* fmt, auto... args) {
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt, args...);
    return buf;
}

long long ll(std::int64_t v) {
    return static_cast<long long>(v);
}

}  // namespace

std::string renderTierCounts(const PreflightReport& report, const std::string& indent) {
    std::size_t width = 0;
    for (const auto& t : report.tiers) width = std::max(width, t.tier.size());
    std::string out;
    char line[512];
    for (const auto& t : report.tiers) {
        std::snprintf(line, sizeof line, "%stier %-*s %6lld pairs (%lld train, %lld held out)\n",
                      indent.c_str(), static_cast<int>(width + 2), t.tier.c_str(),
                      static_cast<long long>(t.pairs), static_cast<long long>(t.train),
                      static_cast<long long>(t.heldout));
        out += line;
    }
    return out;
}

std::string renderPreflightReport(const PreflightReport& r) {
    std::string out;
    out += format("ladder %s: %s\n", r.ladder.c_str(), r.ladderSpec.c_str());
    out += format(
        "%lld prompts answered by its sources, %lld with pairs; %lld pairs (%lld train, "
        "%lld held out)%s\n",
        ll(r.prompts), ll(r.promptsWithPairs), ll(r.pairs), ll(r.train), ll(r.heldout),
        r.written ? "" : " [preflight: nothing written]");
    int width = 4;
    for (const auto& t : r.tiers) width = std::max(width, static_cast<int>(t.tier.size()));
    out += format("\n%-*s %3s %5s %7s %7s %6s %6s  %15s %13s %7s\n", width, "tier", "gap", "diff",
                  "pairs", "train", "held", "trunc", "mean chars c/r", "median c/r", "c>r");
    for (const auto& t : r.tiers) {
        out +=
            format("%-*s %3d %5.2f %7lld %7lld %6lld %6lld  %7.0f/%-7.0f %6.0f/%-6.0f %6.0f%%%s\n",
                   width, t.tier.c_str(), t.rankGap, t.difficulty, ll(t.pairs), ll(t.train),
                   ll(t.heldout), ll(t.truncated), t.chosenChars.mean, t.rejectedChars.mean,
                   t.chosenChars.median, t.rejectedChars.median, t.chosenLongerShare * 100.0,
                   t.lengthBias ? "  LENGTH BIAS" : "");
    }
    if (!r.tokenizer.empty()) {
        out += format("\ntokens of %s, prompt + answer:\n%-*s %15s %13s %13s\n", r.tokenizer.c_str(),
                      width, "tier", "mean c/r", "median c/r", "max c/r");
        for (const auto& t : r.tiers) {
            out += format("%-*s %7.0f/%-7.0f %6.0f/%-6.0f %6lld/%-6lld\n", width, t.tier.c_str(),
                          t.chosenTokens.mean, t.rejectedTokens.mean, t.chosenTokens.median,
                          t.rejectedTokens.median, ll(t.chosenTokens.max), ll(t.rejectedTokens.max));
        }
        if (r.maxTokens > 0) {
            out += format("%lld pairs are over %zu tokens (the trunc column): training with "
                          "max_length %zu cuts them\n",
                          ll(r.truncated), r.maxTokens, r.maxTokens);
        }
    }
    if (!r.dropped.empty()) {
        out += "\ndropped:\n";
        for (const auto& [reason, n] : r.dropped) {
            out += format("  %-18s %7lld   ", reason.c_str(), ll(n));
            std::string perTier;
            for (const auto& t : r.tiers) {
                const auto it = t.dropped.find(reason);
                if (it == t.dropped.end()) continue;
                text::appendItem(perTier, t.tier + " " + std::to_string(it->second));
            }
            out += perTier + "\n";
        }
    } else {
        out += "\ndropped: none\n";
    }
    if (!r.excludedTiers.empty()) {
        out += "tiers left out by the filter:";
        for (const auto& t : r.excludedTiers) out += " " + t;
        out += "\n";
    }
    if (r.written) {
        out += format(
            "written: %lld new, %lld kept their ids, %lld removed (%lld annotated), "
            "%.2f s\n",
            ll(r.inserted), ll(r.updated), ll(r.removed), ll(r.removedAnnotated), r.seconds);
    }
    for (const auto& w : r.warnings) out += "warning: " + w + "\n";
    return out;
}

}  // namespace ladder::pairs
