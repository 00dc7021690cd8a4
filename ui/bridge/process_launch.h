// A run the window starts (or resumes) in processes of its own: `ladder-cli train` (with
// `--nproc-per-node N` for data parallel, `--resume RUN` to continue one) in a session of its own
// (core/dist/launch.h), its config and output in files beside the workspace. It goes on when the
// window closes; the panes follow it through the workspace.
#pragma once

#include <cstdint>

#include <QString>

#include "core/train/training_job.h"

namespace ladder::ui {

struct ProcessLaunch {
    int pid = 0;      // the launcher's (its workers are its children)
    QString config;   // <workspace>.launches/<time>.json (empty for a resumed run: its stored config)
    QString log;      // <workspace>.launches/<time>.log: the launcher's and the workers' output
};

// ladder-cli beside this program, else on PATH; empty when neither has one.
[[nodiscard]] QString ladderCliProgram();

// Whether the window's runs (Start, Resume) train in a ladder-cli process of their own: the
// user's choice (the launcher's In its own process, on by default), when ladder-cli is there.
[[nodiscard]] bool runsInOwnProcess();
void setRunsInOwnProcess(bool on);

// The last `lines` lines of the output of a run this window's launcher started (the log in
// <workspace>.launches that says "run N started" or "run N failed"), or "" when there is none.
[[nodiscard]] QString launchLogTail(const QString& workspace, std::int64_t runId, int lines = 6);

// Starts request's run on `processes` processes of this machine (1: ladder-cli train alone), in a
// process session of its own; a request with resumeRunId continues that run (train --resume).
// Throws ladder::Error saying what is missing (ladder-cli, a writable folder).
ProcessLaunch launchInProcesses(const train::JobRequest& request, int processes);

}  // namespace ladder::ui
