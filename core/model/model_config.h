// The shape of a decoder-only transformer (Llama family or GPT-2) and its Hugging Face config.json.
// No LibTorch here: the trainer's run config and the UI read this without pulling in torch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace ladder::model {

enum class ModelFamily {
    Llama,  // Llama, Mistral, Qwen2: RMSNorm, RoPE, SwiGLU, grouped-query attention
    Gpt2,   // GPT-2: learned positions, LayerNorm, GELU (tanh), Conv1D weights
};

[[nodiscard]] const char* toString(ModelFamily family);

// How RoPE's frequencies are scaled for contexts longer than pretraining (Hugging Face's
// rope_parameters / rope_scaling). Ladder computes "default", "linear", "dynamic" (NTK), "llama3"
// (Llama 3.1 and 3.2) and "longrope" (Phi-3 and Phi-3.5); a config with another rope_type is
// refused when read.
struct RopeScaling {
    std::string type = "default";  // default | linear | dynamic | llama3 | longrope
    double factor = 1.0;           // linear, dynamic, llama3: how much longer the context gets
    double lowFreqFactor = 1.0;    // llama3: wavelengths beyond original / low are divided by factor
    double highFreqFactor = 4.0;   // llama3: wavelengths below original / high are kept
    // llama3, longrope: the pretraining context; dynamic: max_position_embeddings
    std::int64_t originalMaxPositions = 8192;
    // longrope: a divisor per frequency (D/2 each): short up to originalMaxPositions, long beyond
    std::vector<double> shortFactor, longFactor;
    double attentionFactor = 1.0;  // longrope: cos and sin are multiplied by it

    [[nodiscard]] bool isDefault() const { return type == "default"; }
};

struct ModelConfig {
    ModelFamily family = ModelFamily::Llama;  // which code path builds the model
    std::string modelType = "llama";  // HF model_type written back: llama, mistral, qwen2, qwen3, phi3, gemma2, gemma3_text, gpt2
    std::int64_t vocabSize = 259;     // V
    std::int64_t hiddenSize = 128;    // C
    std::int64_t numLayers = 4;
    std::int64_t numHeads = 4;            // H (query heads)
    std::int64_t numKvHeads = 4;          // key/value heads; < numHeads is grouped-query attention
    std::int64_t headDim = 0;             // 0: C / H (Mistral-NeMo and Qwen3 set it explicitly)
    std::int64_t intermediateSize = 341;  // MLP width (GPT-2: n_inner, default 4C)
    std::int64_t maxPositionEmbeddings = 1024;  // GPT-2's learned table size; Llama: advisory
    double ropeTheta = 10000.0;                 // RoPE base (Llama family)
    RopeScaling ropeScaling;                    // Llama 3.1/3.2 set llama3
    double normEps = 1e-6;                  // rms_norm_eps (Llama) or layer_norm_epsilon (GPT-2)
    bool tieWordEmbeddings = false;         // lm_head shares the token embedding matrix
    bool attentionBias = false;             // q/k/v projections have a bias (Qwen2; GPT-2 always)
    bool attentionOutputBias = false;       // o_proj has a bias (Llama's attention_bias sets both)
    bool qkNorm = false;  // RMSNorm over each head's queries and keys before RoPE (Qwen3's q_norm, k_norm)
    bool fusedProjections = false;  // Phi-3: one qkv_proj and one gate_up_proj per layer
    std::int64_t slidingWindow = 0;  // 0: none; Mistral: each query sees its own key and the W - 1 before it
    // Which layers attend through the window (Gemma 2 and 3 alternate): empty, all of them.
    std::vector<bool> slidingLayers;
    // Gemma 2 and 3: embeddings times sqrt(C), RMSNorm as x * (1 + weight) (its weights start at
    // 0), gelu (tanh approximation) in the MLP, a norm after attention and around the MLP, queries
    // scaled by 1 / sqrt(queryPreAttnScalar), soft-capped attention scores and logits.
    bool gemma = false;
    double queryPreAttnScalar = 0.0;  // 0: head_dim
    double attnLogitSoftcap = 0.0;    // 0: none; else scores = cap * tanh(scores / cap)
    double finalLogitSoftcap = 0.0;   // 0: none; else logits = cap * tanh(logits / cap)
    double localRopeTheta = 0.0;      // Gemma 3: RoPE base of the sliding layers (0: ropeTheta)
    std::int64_t bosTokenId = -1;           // -1: none
    std::vector<std::int64_t> eosTokenIds;  // Llama 3 lists several; generation stops at any
    std::int64_t padTokenId = -1;           // -1: none (padding is masked, so any id works)
    std::string torchDtype = "float32";     // the dtype the weights were saved in (informative)

    // The query/key head width: headDim when set, else C / H.
    [[nodiscard]] std::int64_t headDimension() const;
    // The first EOS id, or -1.
    [[nodiscard]] std::int64_t eosTokenId() const;

    // Throws ladder::Error naming `source` and the field when sizes don't fit together, or are
    // beyond any real model (a damaged or crafted file that would exhaust memory).
    void validate(const std::string& source = "model config") const;

    // The built-in from-scratch model: Llama-style over the byte vocabulary (256 bytes, then
    // <|endoftext|> 256 (EOS), <|bos|> 257, <|pad|> 258: tokenizer::ByteTokenizer's ids), small enough to train on two CPU cores in minutes.
    [[nodiscard]] static ModelConfig tiny();
    // The workload of shared/reference/dpo_reference.py: d 256, 4 layers, 4 heads, MLP 682,
    // vocab 259, untied head, RMSNorm eps 1e-6, RoPE theta 10000.
    [[nodiscard]] static ModelConfig referenceWorkload();
};

// One weight a config implies: its name as the model registers it (Hugging Face's) and its shape,
// each size with the config.json field it comes from, so that a mismatch names the field.
struct WeightDim {
    std::int64_t size = 0;
    const char* field = "";  // "hidden_size", "n_inner", "num_attention_heads * head_dim", ...
};
struct WeightShape {
    std::string name;
    std::vector<WeightDim> dims;
};

// Every weight of the model `config` describes, sorted by name like CausalLM::hfWeights(). No
// LibTorch: a config can be checked against the weight files before anything is allocated.
[[nodiscard]] std::vector<WeightShape> weightShapes(const ModelConfig& config);
// The number of weights' elements (a double: absurd configs overflow any integer type).
[[nodiscard]] double parameterCount(const ModelConfig& config);
// "hidden_size 896, intermediate_size 4864, num_hidden_layers 24 and vocab_size 151936" (GPT-2's
// names for GPT-2): the sizes that decide a model's memory, for messages.
[[nodiscard]] std::string sizesText(const ModelConfig& config);
// What sets the model's attention and positions apart from plain causal attention and default
// RoPE, for people ("sliding window 4096 on 13 of 26 layers, RoPE linear x8, local RoPE base
// 10000, soft caps attention 50 logits 30, fused qkv_proj and gate_up_proj"); empty when nothing.
[[nodiscard]] std::string attentionText(const ModelConfig& config);

// Parses a Hugging Face config.json object. `source` names the file in errors. Unknown
// model_type, a missing or mistyped field, or an unsupported feature (rope_scaling, mlp_bias)
// throws ladder::Error naming the source and the field.
[[nodiscard]] ModelConfig configFromHfJson(const nlohmann::json& json, const std::string& source);
[[nodiscard]] nlohmann::json configToHfJson(const ModelConfig& config);

[[nodiscard]] ModelConfig readConfigJson(const std::filesystem::path& path);
// Writes atomically (temporary file, then rename).
void writeConfigJson(const ModelConfig& config, const std::filesystem::path& path);

}  // namespace ladder::model
