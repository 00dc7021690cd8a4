// The "demo" judge: the demo task's programmatic judge behind the Judge interface. It grades each
// answer on its own (correct first, then format), so swapping the answers mirrors its verdict.
#include "core/demo/demo_judge.h"
#include "core/eval/builtin_judges.h"

namespace ladder::eval {
namespace {

class DemoTaskJudge final : public Judge {
public:
    std::string name() const override { return "demo"; }
    std::string description() const override {
        return "the demo task's programmatic judge: the right answer wins, then the plain one";
    }
    bool symmetric() const override { return true; }
    std::vector<Verdict> judge(const std::vector<Comparison>& comparisons) override {
        std::vector<Verdict> out;
        out.reserve(comparisons.size());
        for (const auto& c : comparisons) {
            out.push_back({demo::judge(c.instruction, c.input, c.output1, c.output2), {}});
        }
        return out;
    }
};

}  // namespace

std::unique_ptr<Judge> makeDemoTaskJudge() {
    return std::make_unique<DemoTaskJudge>();
}

}  // namespace ladder::eval
