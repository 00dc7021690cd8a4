#include "core/train/memory_estimate.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "core/common/error.h"
#include "core/train/run_config.h"

namespace ladder::train {
namespace {

constexpr std::int64_t kFloat = 4;
// The process before any model: LibTorch, its thread pools, the allocator, the workspace.
// Measured as bench_dpo_memory's worker before it builds the model (about 230 MiB with Debian's
// LibTorch 1.13).
constexpr std::int64_t kRuntime = std::int64_t{256} << 20;

std::int64_t loraParameters(const model::ModelConfig& c, const model::LoraSpec& lora) {
    if (!lora.enabled()) return 0;
    const std::int64_t h = c.hiddenSize, q = c.numHeads * c.headDimension();
    const std::int64_t kv = c.numKvHeads * c.headDimension(), i = c.intermediateSize;
    std::int64_t perLayer = 0;
    for (const auto& name : model::loraTargets(lora)) {
        std::int64_t in = h, out = h;
        if (name == "q_proj") out = q;
        if (name == "k_proj" || name == "v_proj") out = kv;
        if (name == "o_proj") in = q;
        if (name == "gate_proj" || name == "up_proj") out = i;
        if (name == "down_proj") in = i;
        perLayer += lora.rank * (in + out);
    }
    return perLayer * c.numLayers;
}

// Floats a decoder layer keeps per token for its backward pass (core/model/llama.cpp, float32):
// the layer's input and normed input (C each, twice: attention and MLP), q scaled, k and v
// repeated to every head and the attention output (Q each), gate|up and the SwiGLU products
// (4 I), Qwen3's per-head norms; plus what LoRA keeps (dropout's output for each adapted input,
// the rank-r products).
std::int64_t perTokenFloats(const model::ModelConfig& c, const model::LoraSpec& lora) {
    const std::int64_t h = c.hiddenSize, q = c.numHeads * c.headDimension();
    const std::int64_t kv = c.numKvHeads * c.headDimension(), i = c.intermediateSize;
    std::int64_t floats = 4 * h + 4 * q + 4 * i;
    if (c.qkNorm) floats += 2 * (q + kv);
    if (lora.enabled()) {
        for (const auto& name : model::loraTargets(lora)) {
            std::int64_t in = h;
            if (name == "o_proj") in = q;
            if (name == "down_proj") in = i;
            if (lora.dropout > 0) in += in / 4;  // the dropped input, and its mask (a byte each)
            else in = 0;
            floats += in + 2 * lora.rank;
        }
    }
    return floats;
}

}  // namespace

std::int64_t headChunkTokens(const std::string& setting, std::int64_t vocab) {
    constexpr std::int64_t kLogitsPerChunk = std::int64_t{1} << 24;
    constexpr std::int64_t kLargeVocabulary = 32000;
    const auto chunked = std::max<std::int64_t>(16, kLogitsPerChunk / std::max<std::int64_t>(1, vocab));
    if (setting == "full") return 0;
    if (setting == "chunked") return chunked;
    if (setting == "auto") return vocab >= kLargeVocabulary ? chunked : 0;
    throw Error("logits_head must be auto, full or chunked, not '" + setting + "'");
}

MemoryEstimate estimateMemory(const MemoryInputs& in) {
    const auto& c = in.model;
    MemoryEstimate e;
    const auto parameters = static_cast<std::int64_t>(model::parameterCount(c));
    const std::int64_t weightBytes = in.bf16Weights ? 2 : kFloat;
    e.weights = parameters * weightBytes;
    e.trainableParameters = in.lora.enabled() ? loraParameters(c, in.lora) : parameters;
    e.master = in.bf16Weights && !in.lora.enabled() ? parameters * kFloat : 0;
    // The master's float32 gradients outlive the bfloat16 ones they are taken from (each freed
    // once taken).
    e.gradients = e.trainableParameters * kFloat;
    e.optimizer = 2 * e.trainableParameters * kFloat;
    e.reference = in.reference == "frozen" && !in.lora.enabled() ? parameters * weightBytes : 0;
    e.runtime = kRuntime;

    // Rows and tokens of the forward pass that trains.
    const std::int64_t answers = in.withRejected ? 2 : 1;
    const std::int64_t b = in.pairs, tp = in.promptTokens, ta = in.answerTokens;
    std::int64_t rows = 0, rowLength = 0;
    if (in.packedPairs) {
        rows = b;
        rowLength = tp + answers * ta;
    } else {
        rows = b * answers;
        rowLength = tp + ta;
    }
    // Prefix sharing runs the prompt once and the answers after it (cached keys and values).
    const std::int64_t tokens = !in.packedPairs && in.prefixSharing && !in.gradientCheckpointing
                                    ? b * tp + rows * ta
                                    : rows * rowLength;
    const std::int64_t h = c.hiddenSize, q = c.numHeads * c.headDimension();
    const std::int64_t kv = c.numKvHeads * c.headDimension(), i = c.intermediateSize;
    std::int64_t layer = tokens * perTokenFloats(c, in.lora);
    if (in.attentionKeepsProbabilities) layer += rows * c.numHeads * rowLength * rowLength;
    // The weights a layer concatenates for one matrix product (q|k|v and gate|up) are new tensors
    // the backward pass keeps.
    const std::int64_t concatenated = (q + 2 * kv) * h + 2 * i * h;
    layer += concatenated;
    // While a layer's backward runs: the gradient flowing in and the widest of its inner
    // gradients (gate|up).
    const std::int64_t backward = tokens * (2 * i + 2 * h);
    std::int64_t floats = 0;
    if (in.gradientCheckpointing) {
        floats = tokens * h * c.numLayers + layer + backward;  // each layer's input, one layer whole
    } else {
        floats = layer * c.numLayers + backward;
    }
    floats += 3 * tokens * h;  // the embedding's output, the final norm's input and output
    e.activations = floats * weightBytes;  // bfloat16 weights' activations are bfloat16

    // The LM head: logits, the gradient of the logits and softmax's buffer, for the answer
    // positions (all of them at once, or a chunk).
    const std::int64_t answerPositions = b * answers * ta;
    const std::int64_t headTokens =
        in.headChunkTokens > 0 ? std::min(in.headChunkTokens, answerPositions) : answerPositions;
    e.logits = 3 * headTokens * c.vocabSize * kFloat + answerPositions * h * kFloat;
    return e;
}

MemoryInputs memoryInputs(const RunConfig& config, const model::ModelConfig& model) {
    MemoryInputs in;
    in.model = model;
    in.pairs = config.batchSize;
    in.promptTokens = config.data.maxPromptLength;
    in.answerTokens = std::max(1, config.data.maxLength - config.data.maxPromptLength);
    in.withRejected = config.method != "sft";
    in.lora = config.lora;
    in.gradientCheckpointing = config.gradientCheckpointing;
    in.headChunkTokens = headChunkTokens(config.logitsHead, model.vocabSize);
    in.packedPairs = config.packedPairs;
    in.prefixSharing = config.prefixSharing;
    in.reference = config.method == "sft" ? "none" : config.reference;
    in.bf16Weights = config.dtype == "bfloat16";
    return in;
}

std::string bytesText(std::int64_t bytes) {
    char buf[32];
    const double gib = static_cast<double>(bytes) / static_cast<double>(std::int64_t{1} << 30);
    if (gib >= 1.0) {
        std::snprintf(buf, sizeof buf, "%.1f GiB", gib);
    } else {
        std::snprintf(buf, sizeof buf, "%.0f MiB", static_cast<double>(bytes) / (1 << 20));
    }
    return buf;
}

std::vector<std::pair<std::string, std::int64_t>> MemoryEstimate::parts() const {
    std::vector<std::pair<std::string, std::int64_t>> out = {
        {"weights", weights},         {"master weights", master},
        {"gradients", gradients},     {"optimizer states", optimizer},
        {"reference copy", reference}, {"activations", activations}, {"logits", logits},
        {"runtime", runtime}};
    out.erase(std::remove_if(out.begin(), out.end(), [](const auto& p) { return p.second == 0; }),
              out.end());
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return out;
}

std::string MemoryEstimate::text() const {
    std::string out = bytesText(total()) + ":";
    bool first = true;
    for (const auto& [name, bytes] : parts()) {
        out += std::string(first ? " " : ", ") + name + " " + bytesText(bytes);
        first = false;
    }
    return out;
}

std::string memoryChanges(const MemoryEstimate& e, const MemoryInputs& in) {
    std::vector<std::string> changes;
    for (const auto& [name, bytes] : e.parts()) {
        if (name == "activations") {
            if (!in.gradientCheckpointing) changes.push_back("turn on gradient checkpointing");
            changes.push_back("lower the batch size or the max length");
        } else if (name == "logits" && in.headChunkTokens == 0) {
            changes.push_back("use the chunked logits head (logits_head chunked)");
        } else if ((name == "optimizer states" || name == "gradients" || name == "master weights") &&
                   !in.lora.enabled()) {
            changes.push_back("train LoRA adapters (lora.rank 16) instead of every weight");
        } else if (name == "reference copy") {
            changes.push_back("use the reference cache (reference cache) instead of a frozen copy");
        }
    }
    std::vector<std::string> unique;
    for (auto& c : changes) {
        if (std::find(unique.begin(), unique.end(), c) == unique.end()) unique.push_back(c);
    }
    std::string out;
    for (std::size_t k = 0; k < unique.size(); ++k) out += (k ? "; " : "") + unique[k];
    return out;
}

std::string memoryAdvice(const MemoryEstimate& e, std::int64_t available, const MemoryInputs& in) {
    if (available < 0 || e.total() <= available) return {};
    return "the run needs about " + e.text() + "; this machine has " + bytesText(available) +
           " free. To fit: " + memoryChanges(e, in);
}

std::int64_t availableMemory() {
    std::int64_t available = -1;
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("MemAvailable:", 0) == 0) {
            std::istringstream words(line.substr(13));
            std::int64_t kb = 0;
            if (words >> kb) available = kb * 1024;
        }
    }
    // A share of a shared server, or a test's small machine.
    return cappedByEnvironment(available, "LADDER_MEMORY_LIMIT");
}

std::int64_t cappedByEnvironment(std::int64_t available, const char* variable) {
    const char* limit = std::getenv(variable);
    if (limit == nullptr || *limit == '\0') return available;
    char* end = nullptr;
    const long long bytes = std::strtoll(limit, &end, 10);
    if (end == nullptr || *end != '\0' || bytes <= 0) return available;
    return available < 0 ? bytes : std::min<std::int64_t>(available, bytes);
}

std::int64_t residentMemory() {
    std::ifstream in("/proc/self/statm");
    std::int64_t size = 0, resident = 0;
    if (!(in >> size >> resident)) return -1;
    return resident * static_cast<std::int64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace ladder::train
