// Where a run's starting model comes from (a run config's `model`): the built-in tiny model made
// from a seed, a Hugging Face folder, or a checkpoint of an earlier run; with its tokenizer,
// checked to fit. Training and evaluation load models through here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <torch/torch.h>

#include "core/model/causal_lm.h"
#include "core/model/device.h"
#include "core/train/run_config.h"

namespace ladder::store {
class Workspace;
}
namespace ladder::tokenizer {
class Tokenizer;
}

namespace ladder::train {

struct LoadedModel {
    model::CausalLM model;
    std::shared_ptr<tokenizer::Tokenizer> tokenizer;
    std::string description;      // "tiny (from scratch, seed 0)", "/models/qwen2-0.5b", "run 3 step 400"
    std::filesystem::path folder; // the folder it was read from (empty for tiny)
};

// The checkpoint folder of a run at `step` (-1: its latest). Throws ladder::Error naming the run
// and listing its checkpoints when there is none such.
[[nodiscard]] std::filesystem::path runCheckpointFolder(store::Workspace& workspace,
                                                        std::int64_t runId, std::int64_t step);

// Builds or loads the model a spec names, in float32 on `device`. A tiny model is initialised
// from `seed` (the same seed gives the same weights). tokenizerOverride: a tokenizer.json to use
// instead of the model's own. The tokenizer is checked against the model's vocabulary.
[[nodiscard]] LoadedModel loadModelSpec(store::Workspace& workspace, const ModelSpec& spec,
                                        const std::string& tokenizerOverride, torch::Device device,
                                        std::int64_t seed);

// A model to answer prompts with: a run's latest checkpoint (runId > 0), with the run's config
// (its template, its prompt length), or a model folder (template "auto"). On the CPU.
struct AnsweringModel {
    LoadedModel loaded;
    std::optional<RunConfig> runConfig;  // a run's
    std::string templateName = "auto";
};
[[nodiscard]] AnsweringModel loadAnsweringModel(store::Workspace& workspace, std::int64_t runId,
                                                const std::filesystem::path& folder);

}  // namespace ladder::train
