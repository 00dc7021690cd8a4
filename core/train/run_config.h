// The configuration of a training run: what `ladder-cli train --config run.json` reads, what the
// launcher edits, and what the runs table stores in full (so that two runs' settings can be diffed).
// No LibTorch here: the window includes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/model/lora_spec.h"

namespace ladder::store {
class Database;
struct RunRecord;
}

namespace ladder::train {

// model.run 0: "the latest finished SFT run of this workspace" (the DPO presets start from it).
inline constexpr std::int64_t kLatestSftRun = 0;

struct ModelSpec {
    std::string kind = "tiny";        // tiny (from scratch) | pretrained (an HF folder) | run (a checkpoint)
    std::string path;                 // the Hugging Face folder, for kind pretrained
    std::int64_t runId = kLatestSftRun;  // the earlier run of this workspace, for kind run
    std::int64_t checkpointStep = -1; // that run's checkpoint at this step; -1 = its latest
    nlohmann::json overrides = nlohmann::json::object();  // tiny: config.json fields to change
};

struct DataSpec {
    std::string ladder;                 // pairs built from this ladder (name)
    std::vector<std::string> tiers;     // only these tiers ("a>b"); empty = every tier
    std::string curriculum;             // a stored curriculum or preset name; empty = uniform mix
    nlohmann::json curriculumSpec;      // an inline curriculum (wins over the name)
    std::vector<std::int64_t> datasets; // imported pair datasets (ids) to train on as well
    int maxLength = 256;                // tokens of prompt + answer; longer pairs are truncated
    int maxPromptLength = 128;          // prompt tokens kept (from the end) when truncating
    // Batches sorted by length in groups of this many within a curriculum stage (less padding;
    // the same pairs per stage): curriculum::LengthGroupedSampler. 1 = the order as drawn.
    int lengthGroups = 16;
};

struct OptimizerSpec {
    double lr = 1e-4;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weightDecay = 0.01;
    double gradClip = 1.0;  // max global gradient norm; 0 = no clipping
};

struct ScheduleSpec {
    std::string decay = "cosine";  // cosine | linear | constant, after the warmup
    int warmupSteps = 0;           // linear warmup from 0 to lr
    double minLrRatio = 0.1;       // the decay ends at lr * minLrRatio
};

// The win rate during training: the policy's greedy answers to a fixed set of held-out prompts
// against a reference source's answers, decided by a judge (ladder::eval). Off while reference is
// empty; every 0: only at the end of the run; every N: every N steps and at the end.
struct WinRateSpec {
    int every = 0;
    int prompts = 64;            // held-out prompts (an evenly spread, fixed subset)
    std::string judge = "demo";  // a judge of the registry (demo, command, imported, plugins')
    nlohmann::json judgeOptions = nlohmann::json::object();  // e.g. the command judge's argv
    std::string reference;       // the source whose answers are the reference ("medium" for the
                                 // demo, "text_davinci_003" for AlpacaEval); empty: off
    int maxNewTokens = 64;
};

struct RunConfig {
    std::string name;                           // shown in the runs list; default: method + time
    std::string method = "dpo";                 // a loss of the registry: sft, dpo, slic, ipo, ...
    nlohmann::json loss = nlohmann::json::object();  // the loss's knobs: beta, delta, lambda, epsilon
    ModelSpec model;
    std::string tokenizer;                      // empty: the model's own (byte for tiny)
    // format::templateSettings(): auto (the model's chat template where it has one, else
    // alpaca) | model | alpaca | chatml | raw
    std::string templateName = "auto";
    DataSpec data;
    std::string reference = "cache";            // frozen | cache | none (reference-free losses)
    OptimizerSpec optimizer;
    ScheduleSpec schedule;
    int batchSize = 8;                          // pairs per optimiser step (per micro-batch)
    int gradAccum = 1;                          // micro-batches per optimiser step
    // The processes of a data-parallel run when it started (ladder-cli train --nproc-per-node):
    // a micro-batch is batchSize pairs in each of them, batchSize x worldSize in all, and stays
    // that many when the run is resumed with another number of processes. Set by the trainer.
    int worldSize = 1;
    int maxSteps = 200;                         // optimiser steps
    int evalEvery = 50;                         // held-out pairs every N steps; 0 = only at the end
    int evalPairs = 256;                        // held-out pairs per evaluation (a fixed subset)
    int checkpointEvery = 100;                  // 0 = only at the end (and on stop)
    int keepCheckpoints = 3;                    // keep the last N periodic checkpoints
    // Model weights beyond this go into shards with an index, as transformers' max_shard_size.
    std::string checkpointMaxShardSize = "50GB";
    WinRateSpec winRate;                        // generated answers vs a reference, judged
    int marginPairs = 2000;                     // at the end, reward margins of up to N pairs
                                                // (held-out first) for the pair browser; 0 = off
    std::int64_t seed = 0;
    std::string device = "cpu";                 // cpu | cuda | cuda:N
    // float32 | bfloat16, on the CPU or CUDA: with LoRA the frozen base weights in bfloat16
    // (adapters, their gradients and AdamW's moments in float32); full fine-tuning: bfloat16
    // weights stepped from float32 master weights with float32 AdamW moments (TrainStep), under
    // bfloat16 autocast on CUDA.
    std::string dtype = "float32";
    int threads = 0;                            // CPU threads; 0 = all cores
    bool prefixSharing = true;                  // one prompt forward for chosen and rejected
    // A row per pair (prompt, chosen, rejected; each answer sees the prompt and itself): no
    // padding inside a pair, the prompt once; wins over prefixSharing (sequence_logps.h).
    bool packedPairs = true;
    // Memory (issue 14): LoRA adapters instead of full fine-tuning (rank 0 = off), saved as PEFT
    // saves them beside the checkpoint's base weights, and the merged model too when asked.
    model::LoraSpec lora;
    bool loraSaveMerged = false;
    bool gradientCheckpointing = false;         // recompute each layer in the backward pass
    std::string logitsHead = "auto";            // auto | full | chunked (sequence_logps.h)
};

// Reads a run configuration; unknown keys and wrong types are errors naming the key and `origin`
// (the file), so that a typo never silently falls back to a default.
[[nodiscard]] RunConfig parseRunConfig(const nlohmann::json& json, const std::string& origin = "run config");
[[nodiscard]] RunConfig loadRunConfig(const std::string& path);
// The config a run was started with, as the workspace stores it; a damaged one is an error naming
// the run.
[[nodiscard]] RunConfig storedRunConfig(const store::RunRecord& run);
[[nodiscard]] nlohmann::json toJson(const RunConfig& config);
void saveRunConfig(const RunConfig& config, const std::string& path);

// Problems a user must fix before starting, one message each (empty = fine). Checks what can be
// checked without a workspace: ranges, names of methods/templates/devices, consistency.
[[nodiscard]] std::vector<std::string> validate(const RunConfig& config);

// The program a run's win-rate judge runs (the command judge's argv), empty when it runs none.
// A program named in a config stored in a workspace runs only when the user on this machine
// approved it (JobRequest::judgeProgramApproved): a workspace from someone else never runs code.
[[nodiscard]] std::vector<std::string> judgeProgram(const RunConfig& config);
// "prog arg1 'arg 2'": the program as a user reads it in a question or an error.
[[nodiscard]] std::string describeProgram(const std::vector<std::string>& argv);

// The run a model of kind "run" starts from: spec.runId, or for kLatestSftRun the newest finished
// SFT run of the workspace. Throws ladder::Error when there is no such run (train one first).
[[nodiscard]] std::int64_t resolveStartRun(store::Database& db, const ModelSpec& spec);

// The ladder-cli line that runs this configuration (saved at configPath) on another machine.
[[nodiscard]] std::string cliCommand(const std::string& workspacePath, const std::string& configPath,
                                     const RunConfig& config);

}  // namespace ladder::train
