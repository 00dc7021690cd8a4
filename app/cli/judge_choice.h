// The judge a command asks (eval, pairs judge): --judge and the options of each kind of judge,
// turned into the judge's options object.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/eval/judge.h"
#include "core/store/database.h"

namespace ladder::cli {

struct JudgeChoice {
    std::string judge = "demo";
    std::string command;  // the command judge's program
    std::vector<std::string> args;
    double timeout = 0;
    std::string options;  // JSON object
    std::string annotations;
    std::string annotator;
    std::string model;  // the local judge's model folder
};

// --judge, --judge-command, --judge-arg, --judge-timeout, --judge-options, --annotations,
// --annotator, --judge-model.
void addJudgeOptions(CLI::App& command, JudgeChoice& choice);

// The judge's options from the flags; throws ladder::Error for flags that do not go together.
[[nodiscard]] nlohmann::json judgeOptionsOf(const JudgeChoice& choice);

// The chosen judge, configured, the plugins' judges included; it may keep what it learns in the
// workspace (the local judge's cache). Throws ladder::Error for an unknown judge or bad options.
[[nodiscard]] std::unique_ptr<eval::Judge> makeChosenJudge(const JudgeChoice& choice,
                                                           store::Database& workspace);

}  // namespace ladder::cli
