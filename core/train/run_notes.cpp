#include "core/train/run_notes.h"

#include <algorithm>
#include <exception>

#include "core/curriculum/curriculum_store.h"
#include "core/pairs/training_pairs.h"
#include "core/train/data_plan.h"

namespace ladder::train {

std::optional<std::string> warmupNote(const RunConfig& c) {
    if (c.schedule.warmupSteps <= c.maxSteps) return std::nullopt;
    return "the warmup (" + std::to_string(c.schedule.warmupSteps) + " steps) is longer than the run (" +
           std::to_string(c.maxSteps) + " steps): it is capped to " + std::to_string(c.maxSteps) +
           ", so the learning rate reaches its peak on the last step and never decays; lower "
           "the warmup for a " + c.schedule.decay + " decay";
}

std::optional<std::string> curriculumNote(const curriculum::Curriculum& resolved,
                                          std::int64_t runSteps) {
    if (resolved.stages.empty() || !resolved.isResolved()) return std::nullopt;
    const std::int64_t total = resolved.totalSteps();
    if (runSteps >= total) return std::nullopt;
    const std::size_t reached = resolved.stageAt(std::max<std::int64_t>(0, runSteps - 1)) + 1;
    const std::size_t stages = resolved.stages.size();
    std::string skipped;
    for (std::size_t i = reached; i < stages; ++i) {
        skipped += (skipped.empty() ? "" : ", ") + resolved.stages[i].name;
    }
    const std::string name = resolved.name.empty() ? std::string("the curriculum")
                                                   : "curriculum '" + resolved.name + "'";
    if (reached == stages) {
        return "the run (" + std::to_string(runSteps) + " steps) is shorter than " + name + " (" +
               std::to_string(total) + " steps): its last stage (" + resolved.stages.back().name +
               ") is cut short by " + std::to_string(total - runSteps) + " steps";
    }
    const bool one = stages - reached == 1;
    return "the run (" + std::to_string(runSteps) + " steps) is shorter than " + name + " (" +
           std::to_string(total) + " steps): it ends in stage " + std::to_string(reached) +
           " of " + std::to_string(stages) + ", so " +
           (one ? "stage " + std::to_string(stages)
                : "stages " + std::to_string(reached + 1) + "-" + std::to_string(stages)) +
           " (" + skipped + (one ? ") never trains" : ") never train") + "; set steps to " +
           std::to_string(total) + " to train every stage";
}

std::vector<std::string> runNotes(store::Database& db, const RunConfig& c) {
    std::vector<std::string> notes;
    if (auto w = warmupNote(c)) notes.push_back(std::move(*w));
    try {
        std::optional<curriculum::Curriculum> chosen;
        if (!c.data.curriculumSpec.is_null()) {
            chosen = curriculum::Curriculum::fromJson(c.data.curriculumSpec);
        } else if (!c.data.curriculum.empty() && c.data.curriculum != "uniform") {
            for (auto& stored : curriculum::listCurricula(db)) {
                if (stored.name == c.data.curriculum) chosen = std::move(stored);
            }
        }
        if (chosen) {
            const pairs::PairSelection selection = runPairSelection(c, "");
            curriculum::TierCounts counts;
            for (const auto& t : pairs::tierCounts(db, selection)) counts[t.tier] = t.train;
            if (auto n = curriculumNote(chosen->resolved(counts, c.batchSize), c.maxSteps)) {
                notes.push_back(std::move(*n));
            }
        }
    } catch (const std::exception&) {
        // An unreadable or unresolvable curriculum is the trainer's to report, with its reason.
    }
    return notes;
}

}  // namespace ladder::train
