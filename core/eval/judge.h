// Judges decide which of two answers to one instruction is better (AlpacaEval's convention:
// preference 1 = output_1, 2 = output_2, 1.5 = tie). One interface for the built-in judges
// (demo, command, imported) and those that plugins add; looked up by name in a registry.
// Plugins implement Judge (see core/plugin/plugin_api.h): changing it changes kPluginApiVersion.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/json_read.h"

namespace ladder::plugin {
class Registrar;
}
namespace ladder::store {
class Database;
}

namespace ladder::eval {

// One question to a judge: which answer to the instruction (and input) is better?
struct Comparison {
    std::string instruction;
    std::string input;
    std::string output1;
    std::string output2;
    // Who wrote each answer, when known (a source, a run): most judges must not look; the imported
    // judge matches earlier verdicts by them.
    std::string source1;
    std::string source2;
};

// A judge's answer to one Comparison. No preference and no error: the judge declined to decide
// (AlpacaEval's 0 or null).
struct Verdict {
    std::optional<double> preference;  // in [1, 2]: 1 output1 better, 2 output2 better, 1.5 tie
    std::string error;                 // why this row has no preference (the judge failed on it)

    [[nodiscard]] bool decided() const { return preference.has_value(); }
};

// What a judge may use besides its options: the workspace of the evaluation (may be null).
struct JudgeContext {
    store::Database* workspace = nullptr;
};

class Judge {
public:
    virtual ~Judge() = default;

    // The name evaluations are stored under ("demo", "command:judge.py", "alpaca_eval_gpt4").
    [[nodiscard]] virtual std::string name() const = 0;
    [[nodiscard]] virtual std::string description() const = 0;
    // A symmetric judge gives the mirrored verdict when the two answers swap places, so one order
    // is enough; the others are asked both ways round (position bias).
    [[nodiscard]] virtual bool symmetric() const = 0;
    // The judge's options (a program to run, a file of verdicts, ...); unknown keys are errors.
    virtual void configure(const nlohmann::json& options, const JudgeContext& context) {
        (void)context;
        if (!options.is_null() && !options.empty()) {
            throw Error("judge '" + name() + "' takes no options, got " + ladder::json::excerpt(options));
        }
    }
    // One Verdict per comparison, in order. A problem with one row is that row's error; only a
    // problem with the judge as a whole (it cannot start at all) throws ladder::Error.
    [[nodiscard]] virtual std::vector<Verdict> judge(
        const std::vector<Comparison>& comparisons) = 0;
};

using JudgeFactory = std::function<std::unique_ptr<Judge>()>;

struct JudgeEntry {
    std::string name;
    std::string description;
    std::string origin;  // "built-in" or "plugin"
    JudgeFactory create;
};

class JudgeRegistry {
public:
    // The built-in judges: demo, command, imported, local.
    JudgeRegistry();
    // No judges at all (tests that register their own).
    struct Empty {};
    explicit JudgeRegistry(Empty) {}
    JudgeRegistry(const JudgeRegistry&) = delete;
    JudgeRegistry& operator=(const JudgeRegistry&) = delete;

    // Throws ladder::Error when the name is taken (a plugin may not silently replace a built-in).
    void add(const std::string& name, JudgeFactory factory, const std::string& origin);
    // Throws ladder::Error listing the known judges when the name is unknown.
    [[nodiscard]] std::unique_ptr<Judge> create(const std::string& name) const;
    [[nodiscard]] bool contains(const std::string& name) const;
    [[nodiscard]] std::vector<JudgeEntry> entries() const;  // in registration order

private:
    mutable std::mutex m_mutex;
    std::vector<JudgeEntry> m_entries;
};

// The process-wide registry of the CLI, the window and the trainer (built-ins + plugins).
JudgeRegistry& judgeRegistry();
// Adds the judges a plugin registered; a clash with an existing name is logged and skipped.
// Returns how many were added.
int registerPluginJudges(const plugin::Registrar& registrar,
                         JudgeRegistry& registry = judgeRegistry());

// A judge from the registry, configured. Throws ladder::Error for an unknown name or bad options.
[[nodiscard]] std::unique_ptr<Judge> makeJudge(const std::string& name,
                                               const nlohmann::json& options,
                                               const JudgeContext& context);

}  // namespace ladder::eval
