// The ladder-judges plugin: "length", a judge that prefers the longer answer (in code points) and
// calls equal lengths a tie. It reads nothing else, so its win rate shows how much of another
// judge's verdicts length alone would explain.
#include "core/common/text.h"
#include "core/common/version.h"
#include "core/eval/judge.h"
#include "core/plugin/plugin_api.h"

namespace {

class LengthJudge final : public ladder::eval::Judge {
public:
    std::string name() const override { return "length"; }
    std::string description() const override {
        return "the longer answer wins (a baseline that exposes length bias)";
    }
    bool symmetric() const override { return true; }
    std::vector<ladder::eval::Verdict> judge(
        const std::vector<ladder::eval::Comparison>& comparisons) override {
        std::vector<ladder::eval::Verdict> out;
        out.reserve(comparisons.size());
        for (const auto& c : comparisons) {
            const auto a = length(c.output1);
            const auto b = length(c.output2);
            out.push_back({a > b ? 1.0 : b > a ? 2.0 : 1.5, {}});
        }
        return out;
    }

private:
    static std::size_t length(const std::string& s) {
        return ladder::text::isValidUtf8(s) ? ladder::text::codePointCount(s) : s.size();
    }
};

}  // namespace

LADDER_PLUGIN("ladder-judges", "judge", ladder::kVersion) {
    registrar.addJudge("length", [] { return std::make_unique<LengthJudge>(); });
}
