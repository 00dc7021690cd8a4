// A training checkpoint: a Hugging Face model folder (config.json, model.safetensors, the
// tokenizer) plus what exact resumption needs (optimizer.pt: AdamW's moments; trainer_state.json:
// step, sampler position, timings). Written into a temporary folder and renamed into place, so a
// crash never leaves half a checkpoint.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/model/causal_lm.h"
#include "core/model/lora.h"

namespace ladder::tokenizer {
class Tokenizer;
}

namespace ladder::train {

struct TrainerState {
    std::int64_t step = 0;            // optimiser steps done
    nlohmann::json sampler;           // curriculum::SamplerPosition::toJson()
    double elapsedSeconds = 0;        // training time so far (for tokens/s and ETA after resume)
    std::int64_t tokensSeen = 0;
    std::string referenceKey;         // the reference cache key the run uses
    nlohmann::json generatorState;    // saveGeneratorState(): the generators the run draws from
};

// A LoRA run's checkpoint keeps its base weights in model.safetensors and the adapter, as PEFT
// saves one, in this subfolder (base_model_name_or_path: the checkpoint folder), so that
// PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(ckpt), ckpt + "/adapter") is the
// trained model; model::loadPretrained merges it. With save_merged, the final checkpoint also
// holds the merged model (config, weights, tokenizer) in kMergedFolder.
inline constexpr const char* kAdapterFolder = model::kCheckpointAdapterFolder;
inline constexpr const char* kMergedFolder = "merged";

// A model whose folder declared bfloat16 or float16 weights (config.json's dtype) but trains in
// float32 is saved in its own dtype, as transformers saves it; the float32 weights the run goes
// on from are kept beside it in this file (full fine-tuning only: a LoRA base does not change), as
// are a bfloat16 run's float32 master weights.
inline constexpr const char* kTrainingWeightsFile = "training_weights.safetensors";

// The weights a resumed run continues from: kTrainingWeightsFile when the checkpoint has it,
// else its model weights.
[[nodiscard]] std::vector<std::filesystem::path> resumeWeightFiles(
    const std::filesystem::path& folder);

// Writes <folder> (replacing it); the tokenizer is copied from its source file (a tokenizer.json
// and the files beside it, or vocab.json + merges.txt and theirs, with the chat template) or
// recorded as the byte tokenizer. modelSource: the folder the run's model was read from (empty
// for the tiny model); its generation_config.json is carried over. withMerged: a LoRA policy's
// merged model too. Weights beyond maxShardBytes go into shards (model::savePretrained). master:
// the float32 weights a bfloat16 policy is stepped from (TrainStep), kept in kTrainingWeightsFile.
void saveTrainingCheckpoint(const std::filesystem::path& folder, const model::CausalLMImpl& policy,
                            torch::optim::Optimizer& optimizer,
                            const tokenizer::Tokenizer& tokenizer, const TrainerState& state,
                            const std::filesystem::path& modelSource = {}, bool withMerged = false,
                            std::int64_t maxShardBytes = 50'000'000'000,
                            const model::CausalLMImpl* master = nullptr);

// Restores the optimizer's state and returns the trainer's; the weights are loaded by the caller
// (model::loadWeights) so that the policy can be built first. Throws ladder::Error naming the
// folder when something is missing or does not fit.
[[nodiscard]] TrainerState loadTrainerState(const std::filesystem::path& folder,
                                            torch::optim::Optimizer& optimizer);

// The states of the generators a run on `device` draws from, as JSON and back (exact resumption of
// anything sampled): torch's CPU generator as hex of its bytes, and on CUDA
// {"cpu": hex, "cuda": hex of the device's default generator}. Restoring takes both forms and
// sets the CUDA generator only when the run is on CUDA.
[[nodiscard]] nlohmann::json saveGeneratorState(const torch::Device& device);
void restoreGeneratorState(const nlohmann::json& state, const torch::Device& device);

}  // namespace ladder::train
