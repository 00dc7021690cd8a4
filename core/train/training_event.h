// What the training worker tells the world: value-type events, safe to copy across threads.
// No LibTorch here: the window drains these.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ladder::train {

enum class EventKind {
    Started,       // the run is set up and about to take its first step
    Step,          // one optimiser step: metrics has its train metrics
    Eval,          // held-out pairs evaluated: metrics has eval/... values
    StageChanged,  // the curriculum moved to another stage (message: its name)
    Checkpoint,    // a checkpoint was written (message: its folder)
    Paused,
    Resumed,
    Finished,      // reached max steps
    Stopped,       // stopped on request, after writing a checkpoint
    Failed,        // message says what went wrong and at which step
    Message,       // progress of setup work (tokenising, reference pass), for the status line
};

[[nodiscard]] const char* toString(EventKind kind);

struct TrainingEvent {
    EventKind kind = EventKind::Message;
    std::int64_t runId = 0;
    std::int64_t step = 0;        // steps done so far
    std::int64_t totalSteps = 0;
    double elapsedSeconds = 0;    // since the run (or its resumption) started
    double etaSeconds = -1;       // estimated time left; -1 unknown
    std::vector<std::pair<std::string, double>> metrics;
    std::string message;

    [[nodiscard]] bool isTerminal() const {
        return kind == EventKind::Finished || kind == EventKind::Stopped || kind == EventKind::Failed;
    }
    // The value of a metric in this event, or the fallback.
    [[nodiscard]] double metric(const std::string& name, double fallback = 0) const {
        for (const auto& [n, v] : metrics) {
            if (n == name) return v;
        }
        return fallback;
    }
};

}  // namespace ladder::train
