// The model a command answers with: --model DIR (a Hugging Face folder) or --run R [--checkpoint
// C] (a run's checkpoint), loaded with its tokenizer and the template to prompt it with
// (generate, eval, generate-source).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "app/cli/cli_context.h"
#include "core/eval/evaluator.h"
#include "core/model/causal_lm.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/run_config.h"

namespace ladder::cli {

struct ModelChoice {
    std::string modelDir;
    std::int64_t run = 0;
    std::string checkpoint = "latest";  // a step number or "latest"
    std::string templateName;           // empty: the run's (auto for a folder)
    std::string device = "cpu";
};

struct LoadedModel {
    model::CausalLM model;
    std::shared_ptr<tokenizer::Tokenizer> tokenizer;
    std::string templateName;
    eval::EvalTarget target;
    std::optional<train::RunConfig> runConfig;  // when it is a run's checkpoint
    std::string folder;                         // where the weights came from
};

// Loads the chosen model; throws ladder::Error naming what to give when neither or both are.
[[nodiscard]] LoadedModel loadModel(const CliContext& context, const ModelChoice& choice);

// --model, --run, --checkpoint, --template, --device.
void addModelOptions(CLI::App& command, ModelChoice& choice);

}  // namespace ladder::cli
