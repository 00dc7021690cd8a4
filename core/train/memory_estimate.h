// What a training run will hold in memory at its peak, before it starts: weights, gradients,
// AdamW's moments, a frozen reference copy, the activations autograd keeps for the backward pass
// and the LM head's logits, for the chosen model, batch, lengths, LoRA, gradient checkpointing,
// logits head and row layout. Counted from what Ladder's own forward pass saves (float32), not
// fitted; bench_dpo_memory prints it beside the measured peak. No LibTorch here: the launcher
// shows it, `ladder-cli train --dry-run` prints it, and a run that will not fit stops before its
// first step (trainer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/lora_spec.h"
#include "core/model/model_config.h"

namespace ladder::store {
class Workspace;
}

namespace ladder::train {

struct RunConfig;
struct ModelSpec;

// The config.json of the model a run config's spec names (the tiny model's with its overrides),
// without its weights (model_source.cpp). Throws ladder::Error as loadModelSpec does.
[[nodiscard]] model::ModelConfig specModelConfig(store::Workspace& workspace, const ModelSpec& spec);

// The chunk a run's `logits_head` setting gives for a vocabulary of `vocab`: "full" 0, "chunked"
// tokens enough for about 16M logits (64 MB in float32) per chunk, "auto" chunked from 32,000
// tokens of vocabulary (every current chat model) and full below. Throws ladder::Error for
// another setting.
[[nodiscard]] std::int64_t headChunkTokens(const std::string& setting, std::int64_t vocab);

struct MemoryInputs {
    model::ModelConfig model;
    std::int64_t pairs = 8;           // pairs a micro-batch
    std::int64_t promptTokens = 128;  // the longest prompt of a batch
    std::int64_t answerTokens = 128;  // the longest answer of a batch
    bool withRejected = true;         // false: SFT (chosen answers only)
    model::LoraSpec lora;
    bool gradientCheckpointing = false;
    std::int64_t headChunkTokens = 0;  // 0: the whole (R, Ta, V) logits (sequence_logps.h)
    bool packedPairs = true;
    bool prefixSharing = true;
    std::string reference = "cache";   // frozen | cache | none
    // Whether attention keeps its (B, H, T, T) probabilities for the backward pass (the explicit
    // path of LibTorch 1.13; LibTorch 2's fused CPU kernel keeps one number a row).
    bool attentionKeepsProbabilities = true;
    // Weights and activations in bfloat16 (run config dtype bfloat16): a LoRA run's frozen base,
    // or, fully fine-tuned, every weight with a float32 master copy that AdamW steps.
    bool bf16Weights = false;
};

struct MemoryEstimate {
    std::int64_t weights = 0;      // every weight, float32 (or bfloat16)
    std::int64_t master = 0;       // float32 master weights of bfloat16 full fine-tuning
    std::int64_t gradients = 0;    // of what trains (float32)
    std::int64_t optimizer = 0;    // AdamW's two moments of what trains
    std::int64_t reference = 0;    // a frozen copy of the model (reference "frozen", no LoRA)
    std::int64_t activations = 0;  // what autograd keeps, plus one layer's backward buffers
    std::int64_t logits = 0;       // the LM head's logits, forward and backward
    std::int64_t runtime = 0;      // the process itself (LibTorch, Qt, the workspace)
    std::int64_t trainableParameters = 0;

    [[nodiscard]] std::int64_t total() const {
        return weights + master + gradients + optimizer + reference + activations + logits + runtime;
    }
    // "7.9 GiB: weights 1.8 GiB, gradients ..., activations ..., logits ..."
    [[nodiscard]] std::string text() const;
    // The parts above from largest to smallest, named, with what shrinks each ("batch or length",
    // "LoRA", "gradient checkpointing", "the chunked logits head").
    [[nodiscard]] std::vector<std::pair<std::string, std::int64_t>> parts() const;
};

[[nodiscard]] MemoryEstimate estimateMemory(const MemoryInputs& in);

// A run config's worst case: batch_size pairs at the length caps (prompt max_prompt_length, each
// answer max_length - max_prompt_length), its LoRA, checkpointing, logits head and layout.
[[nodiscard]] MemoryInputs memoryInputs(const RunConfig& config, const model::ModelConfig& model);

// What shrinks the estimate most, largest part first ("turn on gradient checkpointing; lower the
// batch size or the max length; ..."), as one line.
[[nodiscard]] std::string memoryChanges(const MemoryEstimate& estimate, const MemoryInputs& in);

// Why a run of `estimate` will not fit in `available` bytes, and what to change (the largest
// parts first), or empty when it fits.
[[nodiscard]] std::string memoryAdvice(const MemoryEstimate& estimate, std::int64_t available,
                                       const MemoryInputs& in);

// Bytes of memory this machine can still give (MemAvailable of /proc/meminfo, capped by
// $LADDER_MEMORY_LIMIT in bytes when set), or -1 when unknown.
[[nodiscard]] std::int64_t availableMemory();

// The same for the device a run config names: availableMemory() for "cpu"; for "cuda" or
// "cuda:N" the device's free memory as its driver reports it (device_memory.cpp), capped by
// $LADDER_GPU_MEMORY_LIMIT in bytes when set; -1 when unknown (no driver, no such device).
[[nodiscard]] std::int64_t availableDeviceMemory(const std::string& device);

// `available` capped by the byte count in environment variable `variable` when it holds one
// (`available` itself when -1, unknown).
[[nodiscard]] std::int64_t cappedByEnvironment(std::int64_t available, const char* variable);

// What this process holds in memory now (resident set, /proc/self/statm), or -1 when unknown.
[[nodiscard]] std::int64_t residentMemory();

// Bytes in use on the CUDA device a run config names ("cuda", "cuda:N"), by every process, as
// NVML reports them (device_memory.cpp); -1 for the CPU or when unknown.
[[nodiscard]] std::int64_t deviceMemoryUsed(const std::string& device);

// "1.8 GiB", "356 MiB".
[[nodiscard]] std::string bytesText(std::int64_t bytes);

}  // namespace ladder::train
