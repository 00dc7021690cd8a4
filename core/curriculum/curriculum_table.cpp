#include "core/curriculum/curriculum_table.h"

#include <cstdio>
#include <set>

#include "core/common/lists.h"

namespace ladder::curriculum {
namespace {

std::string formatShare(double share) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.0f%%", share * 100.0);
    return buf;
}

}  // namespace

std::string renderStageTable(const Curriculum& c, const TierCounts* pairsPerTier) {
    std::string out = "curriculum " + c.name + ": " + std::to_string(c.stages.size()) + " stage" +
                      (c.stages.size() == 1 ? "" : "s") + "\n";
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-3s %-22s %-16s %-12s %s\n", "#", "stage", "length",
                  "transition", "tiers (share of the batch)");
    out += buf;
    for (std::size_t i = 0; i < c.stages.size(); ++i) {
        const Stage& s = c.stages[i];
        std::string length = s.steps > 0 ? std::to_string(s.steps) + " steps" : "";
        if (s.epochs > 0) {
            std::snprintf(buf, sizeof buf, "%g epoch%s", s.epochs, s.epochs == 1.0 ? "" : "s");
            length = buf;
        }
        double sum = 0;
        for (const auto& [tier, w] : s.tierWeights) sum += w > 0 ? w : 0;
        std::string tiers;
        for (const auto& [tier, w] : s.tierWeights) {
            std::string item = tier + " " + formatShare(sum > 0 ? w / sum : 0);
            if (pairsPerTier) {
                const auto it = pairsPerTier->find(tier);
                item +=
                    " (" + std::to_string(it == pairsPerTier->end() ? 0 : it->second) + " pairs)";
            }
            text::appendItem(tiers, item);
        }
        const std::string transition =
            s.transition == Transition::Blend ? "blend " + std::to_string(s.blendSteps) : "switch";
        std::snprintf(buf, sizeof buf, "%-3zu %-22s %-16s %-12s ", i + 1, s.name.c_str(),
                      length.c_str(), transition.c_str());
        out += buf + tiers + "\n";
    }
    if (c.isResolved() && !c.stages.empty()) {
        out += "total " + std::to_string(c.totalSteps()) + " steps\n";
    }
    for (const auto& m : c.validate(pairsPerTier)) {
        out += (m.severity == ValidationMessage::Severity::Error ? "error: " : "warning: ") +
               m.text + "\n";
    }
    return out;
}

std::string renderShareTable(const Curriculum& c, int rows) {
    if (!c.isResolved() || c.stages.empty()) return {};
    const std::int64_t total = c.totalSteps();
    std::set<std::int64_t> steps;
    for (int r = 0; r < rows; ++r) {
        steps.insert(rows > 1 ? (total - 1) * r / (rows - 1) : 0);
    }
    for (std::size_t i = 0; i < c.stages.size(); ++i) {
        steps.insert(c.stageStart(i));
        const Stage& s = c.stages[i];
        if (s.transition == Transition::Blend) {
            steps.insert(c.stageStart(i) + s.blendSteps / 2);
            steps.insert(c.stageStart(i) + s.blendSteps);
        }
    }
    const std::vector<std::string> tiers = c.tiers();
    std::string out = "tier share of the batch over the steps:\n";
    char buf[128];
    std::snprintf(buf, sizeof buf, "%8s %-5s", "step", "stage");
    out += buf;
    for (const auto& t : tiers) {
        std::snprintf(buf, sizeof buf, " %*s", static_cast<int>(std::max<std::size_t>(t.size(), 5)),
                      t.c_str());
        out += buf;
    }
    out += "\n";
    for (const std::int64_t step : steps) {
        if (step >= total) continue;
        const auto shares = c.tierShareAt(step);
        std::snprintf(buf, sizeof buf, "%8lld %-5zu", static_cast<long long>(step),
                      c.stageAt(step) + 1);
        out += buf;
        for (const auto& t : tiers) {
            const auto it = shares.find(t);
            std::snprintf(buf, sizeof buf, " %*s",
                          static_cast<int>(std::max<std::size_t>(t.size(), 5)),
                          formatShare(it == shares.end() ? 0.0 : it->second).c_str());
            out += buf;
        }
        out += "\n";
    }
    return out;
}

}  // namespace ladder::curriculum
