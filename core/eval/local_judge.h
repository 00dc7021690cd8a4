// "local": a chat model of the user's as the judge (`--judge local --judge-model DIR`), so that a
// ladder can be judged without paying for an API. Each comparison becomes one user message (the
// pairwise prompt of resources/judges/pairwise.txt, in AlpacaEval's spirit, or the user's own with
// the same placeholders), rendered with the model's chat template and generation prompt; the
// verdict is read from the next-token log-probabilities of the labels "1" and "2" (no sampling):
// preference = 1 + P(2) / (P(1) + P(2)), a soft verdict like AlpacaEval's weighted annotators.
// Not symmetric: the evaluator asks both orders and averages them, which cancels a judge's
// position bias. Verdicts are cached per (judge model, prompt, answers) in memory and, when the
// judge has a workspace, in its judge_cache table, so a second evaluation costs no forward.
#pragma once

#include <memory>
#include <string>

#include "core/eval/judge.h"

namespace ladder::eval {

// The built-in pairwise prompt (resources/judges/pairwise.txt).
[[nodiscard]] const std::string& defaultJudgePrompt();

// `prompt` with {instruction}, {output_1} and {output_2} replaced in one pass (text that an answer
// brings in is never replaced again). Throws ladder::Error naming a placeholder that is missing.
[[nodiscard]] std::string fillJudgePrompt(const std::string& prompt, const Comparison& c);

// Options: {"model": DIR (required), "prompt": FILE (optional, the same placeholders),
// "device": "cpu" | "cuda[:N]" (default cpu)}.
[[nodiscard]] std::unique_ptr<Judge> makeLocalModelJudge();

}  // namespace ladder::eval
