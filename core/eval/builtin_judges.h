// The judges that ship inside ladder::eval (the registry adds them under these names). The
// length-only baseline ships as the ladder-judges plugin (plugins/judges) instead.
#pragma once

#include <memory>

#include "core/eval/judge.h"

namespace ladder::eval {

// "demo": the demo task's programmatic judge (demo::judge); symmetric, no options.
[[nodiscard]] std::unique_ptr<Judge> makeDemoTaskJudge();
// "command": a user's program, run without a shell, one JSON line per comparison each way (see
// command_judge.h for the protocol and options).
[[nodiscard]] std::unique_ptr<Judge> makeCommandJudge();
// "imported": verdicts judged earlier (AlpacaEval annotations.json, or the workspace's verdicts),
// looked up by instruction and answer texts.
[[nodiscard]] std::unique_ptr<Judge> makeImportedVerdictJudge();

}  // namespace ladder::eval
