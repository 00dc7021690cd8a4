// Asking the user before a run's win-rate judge runs a program: a run config may come from a
// workspace someone else made (a duplicated or resumed run), and a workspace never runs code by
// itself. The question names the program exactly.
#pragma once

#include "core/train/training_job.h"

class QWidget;

namespace ladder::ui {

// Sets request.judgeProgramApproved when `config`'s judge runs a program and the user allows it.
// False when the user declined (the run must not start); true otherwise.
bool approveJudgeProgram(QWidget* parent, const train::RunConfig& config,
                         train::JobRequest& request);

}  // namespace ladder::ui
