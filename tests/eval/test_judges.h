// Judges for the tests of judging pipelines (pair_judging_test, self_rank_test): one that only
// has a position bias, and the demo task's grader under a name of its own.
#pragma once

#include <string>
#include <vector>

#include "core/demo/demo_judge.h"
#include "core/eval/judge.h"

namespace ladder::eval {

// Prefers whichever answer is shown first, whatever it says.
class FirstAnswerJudge final : public Judge {
public:
    [[nodiscard]] std::string name() const override { return "first-answer"; }
    [[nodiscard]] std::string description() const override { return "position bias only"; }
    [[nodiscard]] bool symmetric() const override { return false; }
    [[nodiscard]] std::vector<Verdict> judge(const std::vector<Comparison>& c) override {
        asked += static_cast<int>(c.size());
        return std::vector<Verdict>(c.size(), Verdict{1.2, ""});
    }
    int asked = 0;
};

// The demo task's grader, asked one order only, under a name of its own.
class GraderJudge final : public Judge {
public:
    [[nodiscard]] std::string name() const override { return "grader"; }
    [[nodiscard]] std::string description() const override { return "the demo grader"; }
    [[nodiscard]] bool symmetric() const override { return true; }
    [[nodiscard]] std::vector<Verdict> judge(const std::vector<Comparison>& c) override {
        std::vector<Verdict> out;
        for (const auto& x : c) out.push_back({demo::judge(x.instruction, x.input, x.output1, x.output2), ""});
        return out;
    }
};

}  // namespace ladder::eval
