// Runs a study's runs in one process, one after another or N at a time: parents before the runs
// that start from them, finished runs left alone, stopped or killed ones resumed from their last
// checkpoint. Stopped (Ctrl+C) and started again with the same file, a study never trains a point
// twice. No LibTorch here: the CLI (and later the window) drive it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "core/study/study_spec.h"
#include "core/train/training_event.h"

namespace ladder::study {

enum class StudyEventKind {
    RunStarted,   // a point's run began (message: "started" or "resumed")
    RunFinished,  // it reached its last step
    RunFailed,    // message says why
    RunSkipped,   // its parent failed
    RunStopped,   // stopped on request: continued by the next `study run`
    Training,     // an event of the run in progress (training set)
};

struct StudyEvent {
    StudyEventKind kind = StudyEventKind::Training;
    const StudyPoint* point = nullptr;
    std::int64_t runId = 0;
    std::string message;
    const train::TrainingEvent* training = nullptr;
    int done = 0;            // points finished (before this session too)
    int total = 0;           // points of the study
    double etaSeconds = -1;  // the study's time left, from this session's runs; -1 unknown
};

// "[3/24] dpo uniform, seed 0": which run of how many (a finished one counts itself), for
// progress lines in the CLI and the window.
[[nodiscard]] std::string progressLabel(const StudyEvent& e);

struct StudyOptions {
    int parallel = 0;  // runs at a time; 0: the study's own
    bool judgeProgramApproved = false;
    bool withoutWinRate = false;
};

struct StudyOutcome {
    std::int64_t studyId = 0;
    int finished = 0;  // points with a finished run, all sessions
    int failed = 0;
    int skipped = 0;
    int total = 0;
    bool stopped = false;
};

// Throws ladder::Error before anything runs when the workspace has this study from another file,
// or one of its runs is being trained by another process.
StudyOutcome runStudy(const std::string& workspacePath, const StudySpec& spec,
                      const StudyOptions& options,
                      const std::function<void(const StudyEvent&)>& onEvent,
                      const std::atomic<bool>& stopRequested);

}  // namespace ladder::study
