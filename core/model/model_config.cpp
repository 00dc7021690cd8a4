// ModelConfig: validation, the built-in configs, and Hugging Face config.json in both directions.
#include "core/model/model_config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/model/atomic_file.h"

namespace ladder::model {
namespace {

using nlohmann::json;

// Sizes beyond any real model. A config.json past them is damaged or made to exhaust memory; the
// margins are wide so that no real model is refused.
constexpr std::int64_t kMaxVocab = std::int64_t{1} << 24;  // the largest vocabularies: ~262k
constexpr std::int64_t kMaxWidth = std::int64_t{1} << 20;  // widest layers: ~53k (405B's MLP)
constexpr std::int64_t kMaxLayers = 1024;                    // deepest: ~130
constexpr std::int64_t kMaxPositions = std::int64_t{1} << 26;  // Llama 4: 10M
constexpr double kMaxParameters = 1e12;  // 2.5 times the largest dense open model (405B)

// config.json's names for the sizes: Llama-family files and GPT-2's own.
struct SizeNames {
    const char* vocab = "vocab_size";
    const char* hidden;
    const char* intermediate;
    const char* layers;
    const char* heads;
    const char* positions;
};

SizeNames sizeNames(ModelFamily family) {
    if (family == ModelFamily::Gpt2) {
        return {.hidden = "n_embd", .intermediate = "n_inner", .layers = "n_layer",
                .heads = "n_head", .positions = "n_positions"};
    }
    return {.hidden = "hidden_size", .intermediate = "intermediate_size",
            .layers = "num_hidden_layers", .heads = "num_attention_heads",
            .positions = "max_position_embeddings"};
}

// The weights outside the layers, and those of layer `layer`.
std::vector<WeightShape> globalWeights(const ModelConfig& c) {
    const SizeNames n = sizeNames(c.family);
    const WeightDim v{c.vocabSize, n.vocab}, d{c.hiddenSize, n.hidden};
    std::vector<WeightShape> out;
    if (c.family == ModelFamily::Gpt2) {
        out.push_back({"transformer.wte.weight", {v, d}});
        out.push_back({"transformer.wpe.weight", {{c.maxPositionEmbeddings, n.positions}, d}});
        out.push_back({"transformer.ln_f.weight", {d}});
        out.push_back({"transformer.ln_f.bias", {d}});
    } else {
        out.push_back({"model.embed_tokens.weight", {v, d}});
        out.push_back({"model.norm.weight", {d}});
    }
    if (!c.tieWordEmbeddings) out.push_back({"lm_head.weight", {v, d}});
    return out;
}

std::vector<WeightShape> layerWeights(const ModelConfig& c, std::int64_t layer) {
    const SizeNames n = sizeNames(c.family);
    const WeightDim d{c.hiddenSize, n.hidden}, ff{c.intermediateSize, n.intermediate};
    std::vector<WeightShape> out;
    if (c.family == ModelFamily::Gpt2) {
        const std::string p = "transformer.h." + std::to_string(layer) + ".";
        const WeightDim qkv{3 * c.hiddenSize, "3 * n_embd"};
        out = {{p + "ln_1.weight", {d}},       {p + "ln_1.bias", {d}},
               {p + "attn.c_attn.weight", {d, qkv}}, {p + "attn.c_attn.bias", {qkv}},
               {p + "attn.c_proj.weight", {d, d}},   {p + "attn.c_proj.bias", {d}},
               {p + "ln_2.weight", {d}},       {p + "ln_2.bias", {d}},
               {p + "mlp.c_fc.weight", {d, ff}},     {p + "mlp.c_fc.bias", {ff}},
               {p + "mlp.c_proj.weight", {ff, d}},   {p + "mlp.c_proj.bias", {d}}};
        return out;
    }
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    const bool ownHeadDim = c.headDim > 0;
    const WeightDim q{c.numHeads * c.headDimension(),
                      ownHeadDim ? "num_attention_heads * head_dim" : n.hidden};
    const WeightDim kv{c.numKvHeads * c.headDimension(),
                       ownHeadDim ? "num_key_value_heads * head_dim" : "num_key_value_heads"};
    if (c.fusedProjections) {
        const WeightDim qkv{c.numHeads * c.headDimension() + 2 * c.numKvHeads * c.headDimension(),
                            "(num_attention_heads + 2 * num_key_value_heads) * head_dim"};
        return {{p + "self_attn.qkv_proj.weight", {qkv, d}},
                {p + "self_attn.o_proj.weight", {d, q}},
                {p + "mlp.gate_up_proj.weight", {{2 * c.intermediateSize, "2 * intermediate_size"}, d}},
                {p + "mlp.down_proj.weight", {d, ff}},
                {p + "input_layernorm.weight", {d}},
                {p + "post_attention_layernorm.weight", {d}}};
    }
    out = {{p + "self_attn.q_proj.weight", {q, d}}, {p + "self_attn.k_proj.weight", {kv, d}},
           {p + "self_attn.v_proj.weight", {kv, d}}, {p + "self_attn.o_proj.weight", {d, q}},
           {p + "mlp.gate_proj.weight", {ff, d}},    {p + "mlp.up_proj.weight", {ff, d}},
           {p + "mlp.down_proj.weight", {d, ff}},    {p + "input_layernorm.weight", {d}},
           {p + "post_attention_layernorm.weight", {d}}};
    if (c.attentionBias) {
        out.push_back({p + "self_attn.q_proj.bias", {q}});
        out.push_back({p + "self_attn.k_proj.bias", {kv}});
        out.push_back({p + "self_attn.v_proj.bias", {kv}});
    }
    if (c.attentionOutputBias) out.push_back({p + "self_attn.o_proj.bias", {d}});
    if (c.gemma) {
        out.push_back({p + "pre_feedforward_layernorm.weight", {d}});
        out.push_back({p + "post_feedforward_layernorm.weight", {d}});
    }
    if (c.qkNorm) {
        const WeightDim head{c.headDimension(), ownHeadDim ? "head_dim" : "hidden_size / num_attention_heads"};
        out.push_back({p + "self_attn.q_norm.weight", {head}});
        out.push_back({p + "self_attn.k_norm.weight", {head}});
    }
    return out;
}

double elements(const std::vector<WeightShape>& weights) {
    double total = 0;
    for (const WeightShape& w : weights) {
        double n = 1;
        for (const WeightDim& dim : w.dims) n *= static_cast<double>(dim.size);
        total += n;
    }
    return total;
}

// Field access with errors that name the file and the field.
class Fields {
public:
    Fields(const json& j, std::string source, std::string modelType)
        : m_json(j), m_source(std::move(source)), m_modelType(std::move(modelType)) {}

    [[nodiscard]] bool has(const char* key) const {
        return m_json.contains(key) && !m_json.at(key).is_null();
    }
    // Written as null (where null and absent mean different things: Gemma's soft caps).
    [[nodiscard]] bool isNull(const char* key) const {
        return m_json.contains(key) && m_json.at(key).is_null();
    }
    [[nodiscard]] const json& raw() const { return m_json; }
    [[nodiscard]] const std::string& source() const { return m_source; }

    [[nodiscard]] std::int64_t integer(const char* key) const {
        require(key);
        const json& v = m_json.at(key);
        if (!v.is_number_integer()) fail(key, "is not an integer");
        return v.get<std::int64_t>();
    }
    [[nodiscard]] std::int64_t integer(const char* key, std::int64_t fallback) const {
        return has(key) ? integer(key) : fallback;
    }
    [[nodiscard]] double number(const char* key, double fallback) const {
        if (!has(key)) return fallback;
        const json& v = m_json.at(key);
        if (!v.is_number()) fail(key, "is not a number");
        return v.get<double>();
    }
    [[nodiscard]] bool boolean(const char* key, bool fallback) const {
        if (!has(key)) return fallback;
        const json& v = m_json.at(key);
        if (!v.is_boolean()) fail(key, "is not true or false");
        return v.get<bool>();
    }
    [[nodiscard]] std::string string(const char* key, const std::string& fallback) const {
        if (!has(key)) return fallback;
        const json& v = m_json.at(key);
        if (!v.is_string()) fail(key, "is not a string");
        return v.get<std::string>();
    }
    // eos_token_id is an integer or (Llama 3) a list of integers.
    [[nodiscard]] std::vector<std::int64_t> integers(const char* key) const {
        if (!has(key)) return {};
        const json& v = m_json.at(key);
        if (v.is_number_integer()) return {v.get<std::int64_t>()};
        std::vector<std::int64_t> out;
        if (!v.is_array()) fail(key, "is neither an integer nor a list of integers");
        for (const json& item : v) {
            if (!item.is_number_integer()) fail(key, "is a list with a non-integer entry");
            out.push_back(item.get<std::int64_t>());
        }
        return out;
    }

    // A list of numbers (longrope's factors); empty when absent.
    [[nodiscard]] std::vector<double> numbers(const char* key) const {
        if (!has(key)) return {};
        const json& v = m_json.at(key);
        if (!v.is_array()) fail(key, "is not a list");
        std::vector<double> out;
        for (const json& item : v) {
            if (!item.is_number()) fail(key, "is a list with an entry that is not a number");
            out.push_back(item.get<double>());
        }
        return out;
    }

    // A list of strings (layer_types); empty when absent.
    [[nodiscard]] std::vector<std::string> strings(const char* key) const {
        if (!has(key)) return {};
        const json& v = m_json.at(key);
        if (!v.is_array()) fail(key, "is not a list");
        std::vector<std::string> out;
        for (const json& item : v) {
            if (!item.is_string()) fail(key, "is a list with a non-string entry");
            out.push_back(item.get<std::string>());
        }
        return out;
    }

    // A nested object's fields, with errors naming `key` too; nullptr when absent.
    [[nodiscard]] std::optional<Fields> object(const char* key) const {
        if (!has(key)) return std::nullopt;
        if (!m_json.at(key).is_object()) fail(key, "is not an object");
        return Fields(m_json.at(key), m_source + ", field `" + key + "`", m_modelType);
    }

    void require(const char* key) const {
        if (!has(key)) {
            throw Error(m_source + ": missing field `" + key + "` (model_type " + m_modelType +
                        "): is this a complete Hugging Face config.json?");
        }
    }
    [[noreturn]] void fail(const char* key, const std::string& what) const {
        throw Error(m_source + ": field `" + key + "` " + what + " (model_type " + m_modelType +
                    ")");
    }
    [[noreturn]] void unsupported(const char* key, const std::string& what) const {
        throw Error(m_source + ": field `" + key + "` " + what + ", which Ladder does not " +
                    "support (model_type " + m_modelType + "): pick another model");
    }

private:
    const json& m_json;
    std::string m_source;
    std::string m_modelType;
};

// Phi-3's longrope: a divisor per frequency for texts up to the pretraining context and another
// beyond it, and cos and sin scaled by an attention factor (transformers'
// _compute_longrope_parameters).
void readLongRope(const Fields& f, const Fields& scaling, ModelConfig& c) {
    RopeScaling& r = c.ropeScaling;
    for (const char* key : {"short_factor", "long_factor"}) scaling.require(key);
    r.shortFactor = scaling.numbers("short_factor");
    r.longFactor = scaling.numbers("long_factor");
    // Phi-3 takes the top-level value (transformers' default 4096) before the nested one.
    r.originalMaxPositions = f.integer("original_max_position_embeddings",
                                       scaling.integer("original_max_position_embeddings", 4096));
    if (r.originalMaxPositions <= 0 || r.originalMaxPositions > kMaxPositions) {
        f.fail("original_max_position_embeddings", "must be positive for longrope");
    }
    // Without a factor, the context's growth; without an attention factor, the paper's.
    r.factor = scaling.number("factor", static_cast<double>(c.maxPositionEmbeddings) /
                                            static_cast<double>(r.originalMaxPositions));
    if (!(r.factor > 0.0) || r.factor > 1e6) scaling.fail("factor", "must be positive");
    r.attentionFactor =
        r.factor <= 1.0 ? 1.0
                        : std::sqrt(1.0 + std::log(r.factor) /
                                              std::log(static_cast<double>(r.originalMaxPositions)));
    r.attentionFactor = scaling.number("attention_factor", r.attentionFactor);
    for (const auto* list : {&r.shortFactor, &r.longFactor}) {
        for (const double x : *list) {
            if (!(x > 0.0) || x > 1e9) scaling.fail("short_factor", "and long_factor must be positive");
        }
    }
}

// RoPE's base and scaling. transformers 5 writes both into `rope_parameters`; older files have
// `rope_theta` and `rope_scaling` at the top level (both forms are read, the newer first).
void readRope(const Fields& f, ModelConfig& c) {
    c.ropeTheta = f.number("rope_theta", 10000.0);
    const bool newer = f.has("rope_parameters");
    const std::optional<Fields> scaling = f.object(newer ? "rope_parameters" : "rope_scaling");
    if (!scaling) return;
    if (newer) c.ropeTheta = scaling->number("rope_theta", c.ropeTheta);
    RopeScaling& r = c.ropeScaling;
    // Old files say `type`, newer ones `rope_type`.
    r.type = scaling->string("rope_type", scaling->string("type", "default"));
    if (r.type == "default") return;
    // Phi-3's files written before transformers named it say `su` (or `yarn`) for longrope.
    if (c.modelType == "phi3" && (r.type == "su" || r.type == "yarn")) r.type = "longrope";
    if (r.type != "linear" && r.type != "dynamic" && r.type != "llama3" && r.type != "longrope") {
        scaling->unsupported("rope_type", "is `" + r.type + "` (Ladder computes default, linear, " +
                                              "dynamic, llama3 and longrope RoPE)");
    }
    if (r.type == "longrope") {
        readLongRope(f, *scaling, c);
        return;
    }
    scaling->require("factor");
    r.factor = scaling->number("factor", 1.0);
    if (!(r.factor >= 1.0) || r.factor > 1e6) scaling->fail("factor", "must be 1 or more");
    // Dynamic NTK stretches the base once a text outgrows max_position_embeddings.
    if (r.type == "dynamic") r.originalMaxPositions = c.maxPositionEmbeddings;
    if (r.type == "llama3") {
        for (const char* key : {"low_freq_factor", "high_freq_factor",
                                "original_max_position_embeddings"}) {
            scaling->require(key);
        }
        r.lowFreqFactor = scaling->number("low_freq_factor", 1.0);
        r.highFreqFactor = scaling->number("high_freq_factor", 4.0);
        r.originalMaxPositions = scaling->integer("original_max_position_embeddings");
        if (!(r.lowFreqFactor > 0.0) || !(r.highFreqFactor > r.lowFreqFactor)) {
            scaling->fail("high_freq_factor", "must be above low_freq_factor, both positive");
        }
        if (r.originalMaxPositions <= 0 || r.originalMaxPositions > kMaxPositions) {
            scaling->fail("original_max_position_embeddings", "must be positive");
        }
    }
}

void readSpecialIds(const Fields& f, ModelConfig& c) {
    c.bosTokenId = f.integer("bos_token_id", -1);
    c.eosTokenIds = f.integers("eos_token_id");
    c.padTokenId = f.integer("pad_token_id", -1);
    // transformers 5 names it dtype; 4 torch_dtype.
    c.torchDtype = f.string("dtype", f.string("torch_dtype", "float32"));
}

// A soft cap: its default when absent, none when null (transformers' None).
double softcap(const Fields& f, const char* key, double fallback) {
    if (f.isNull(key)) return 0.0;
    const double cap = f.number(key, fallback);
    if (cap < 0.0 || !std::isfinite(cap)) f.fail(key, "must be positive or null");
    return cap;
}

// Gemma 2 and Gemma 3 (text): what sets them apart from Llama (transformers' Gemma2Config and
// Gemma3TextConfig, defaults included).
void readGemma(const Fields& f, ModelConfig& c) {
    const bool gemma3 = c.modelType == "gemma3_text";
    const std::string act = f.string("hidden_activation", f.string("hidden_act", "gelu_pytorch_tanh"));
    if (act != "gelu_pytorch_tanh") {
        f.unsupported("hidden_activation", "is `" + act + "` (Gemma's MLP uses gelu_pytorch_tanh)");
    }
    if (f.boolean("use_bidirectional_attention", false)) {
        f.unsupported("use_bidirectional_attention", "is true (an encoder, not a causal LM)");
    }
    c.queryPreAttnScalar = f.number("query_pre_attn_scalar", 256.0);
    if (!(c.queryPreAttnScalar > 0.0)) f.fail("query_pre_attn_scalar", "must be positive");
    c.attnLogitSoftcap = softcap(f, "attn_logit_softcapping", gemma3 ? 0.0 : 50.0);
    c.finalLogitSoftcap = softcap(f, "final_logit_softcapping", gemma3 ? 0.0 : 30.0);
    c.slidingWindow = f.isNull("sliding_window") ? 0 : f.integer("sliding_window", 4096);
    if (c.slidingWindow < 0) f.fail("sliding_window", "must be positive or null");
    // Which layers slide: layer_types, else Gemma 2's every other layer (the first slides) or
    // Gemma 3's five of six (sliding_window_pattern).
    const std::vector<std::string> types = f.strings("layer_types");
    const std::int64_t pattern = gemma3 ? f.integer("sliding_window_pattern", 6) : 2;
    if (pattern <= 0) f.fail("sliding_window_pattern", "must be positive");
    for (std::int64_t i = 0; i < c.numLayers; ++i) {
        if (types.empty()) {
            c.slidingLayers.push_back((i + 1) % pattern != 0);
            continue;
        }
        if (static_cast<std::int64_t>(types.size()) != c.numLayers) {
            f.fail("layer_types", "has " + std::to_string(types.size()) + " entries for " +
                                      std::to_string(c.numLayers) + " layers");
        }
        const std::string& type = types[static_cast<std::size_t>(i)];
        if (type != "sliding_attention" && type != "full_attention") {
            f.unsupported("layer_types", "lists `" + type + "` layers");
        }
        c.slidingLayers.push_back(type == "sliding_attention");
    }
    if (!gemma3) return;
    // Gemma 3's full layers turn at rope_theta (1M), scaled; its sliding ones at
    // rope_local_base_freq (10k). transformers 5 writes both under rope_parameters.
    const std::optional<Fields> nested = f.object("rope_parameters");
    if (nested && (nested->has("full_attention") || nested->has("sliding_attention"))) {
        c.ropeScaling = RopeScaling{};
        c.ropeTheta = 1e6;
        if (const auto full = nested->object("full_attention")) {
            json flat = {{"rope_parameters", full->raw()},
                         {"max_position_embeddings", c.maxPositionEmbeddings}};
            flat["rope_parameters"]["rope_theta"] = full->number("rope_theta", 1e6);
            readRope(Fields(flat, f.source() + ", field `rope_parameters.full_attention`",
                            c.modelType),
                     c);
        }
        c.localRopeTheta = 1e4;
        if (const auto sliding = nested->object("sliding_attention")) {
            if (sliding->string("rope_type", "default") != "default") {
                sliding->unsupported("rope_type", "of the sliding layers is not default");
            }
            c.localRopeTheta = sliding->number("rope_theta", 1e4);
        }
    } else {
        if (!f.has("rope_theta")) c.ropeTheta = 1e6;
        c.localRopeTheta = f.number("rope_local_base_freq", 1e4);
    }
    if (!(c.localRopeTheta > 0.0)) f.fail("rope_local_base_freq", "must be positive");
}

ModelConfig llamaFromJson(const Fields& f, const std::string& modelType) {
    ModelConfig c;
    c.family = ModelFamily::Llama;
    c.modelType = modelType;
    c.vocabSize = f.integer("vocab_size");
    c.hiddenSize = f.integer("hidden_size");
    c.intermediateSize = f.integer("intermediate_size");
    c.numLayers = f.integer("num_hidden_layers");
    c.numHeads = f.integer("num_attention_heads");
    // Hugging Face's own defaults for the fields older configs leave out.
    c.numKvHeads = f.integer("num_key_value_heads", c.numHeads);
    c.headDim = f.integer("head_dim", 0);
    c.maxPositionEmbeddings = f.integer("max_position_embeddings", 2048);
    readRope(f, c);
    c.normEps = f.number("rms_norm_eps", 1e-6);
    c.tieWordEmbeddings = f.boolean("tie_word_embeddings", false);
    if (modelType == "qwen2") {
        c.attentionBias = true;  // Qwen2 always has q/k/v biases and never an o_proj bias
        c.attentionOutputBias = false;
    } else if (modelType == "llama") {
        c.attentionBias = c.attentionOutputBias = f.boolean("attention_bias", false);
    } else if (modelType == "phi3") {
        c.fusedProjections = true;  // qkv_proj and gate_up_proj; no biases
    } else if (modelType == "gemma2" || modelType == "gemma3_text") {
        c.gemma = true;
        c.attentionBias = c.attentionOutputBias = f.boolean("attention_bias", false);
        c.tieWordEmbeddings = f.boolean("tie_word_embeddings", true);
        c.headDim = f.integer("head_dim", 256);
        c.qkNorm = modelType == "gemma3_text";
    } else if (modelType == "qwen3") {
        // Qwen3: q/k RMSNorm per head, attention_bias for all four projections, head_dim given.
        c.attentionBias = c.attentionOutputBias = f.boolean("attention_bias", false);
        c.qkNorm = true;
        if (f.boolean("use_sliding_window", false)) {
            f.unsupported("use_sliding_window", "is true (Qwen3's sliding-window layers)");
        }
    }
    if (c.gemma) {
        readGemma(f, c);
        readSpecialIds(f, c);
        return c;
    }
    if (f.string("hidden_act", "silu") != "silu") {
        f.unsupported("hidden_act", "is `" + f.string("hidden_act", "") + "` instead of silu");
    }
    if (f.boolean("mlp_bias", false)) f.unsupported("mlp_bias", "is true");
    // transformers 5 lists each layer's attention (Qwen2/3 write it): Ladder builds one kind of
    // attention for every layer (Mistral's and Phi-3's window in all of them), not a mix.
    for (const std::string& type : f.strings("layer_types")) {
        if (type != "full_attention") {
            f.unsupported("layer_types", "lists `" + type + "` layers (only full_attention)");
        }
    }
    const std::optional<Fields> rope = f.object("rope_parameters");
    const double partialRotary =
        rope ? rope->number("partial_rotary_factor", f.number("partial_rotary_factor", 1.0))
             : f.number("partial_rotary_factor", 1.0);
    if (partialRotary != 1.0) {
        f.unsupported("partial_rotary_factor", "is " + std::to_string(partialRotary) +
                                                   " (RoPE on part of each head)");
    }
    if (modelType == "mistral" || modelType == "phi3") {
        // Every layer attends a window of sliding_window positions (null: the whole text;
        // absent: transformers' defaults, 4096 for Mistral and none for Phi-3).
        c.slidingWindow =
            f.isNull("sliding_window") ? 0
                                       : f.integer("sliding_window", modelType == "mistral" ? 4096 : 0);
        if (c.slidingWindow < 0) f.fail("sliding_window", "must be positive or null");
    } else if (modelType == "qwen2" && f.boolean("use_sliding_window", false)) {
        f.unsupported("use_sliding_window", "is true (Qwen2's sliding-window layers)");
    }
    readSpecialIds(f, c);
    return c;
}

ModelConfig gpt2FromJson(const Fields& f) {
    ModelConfig c;
    c.family = ModelFamily::Gpt2;
    c.modelType = "gpt2";
    c.vocabSize = f.integer("vocab_size");
    c.hiddenSize = f.integer("n_embd");
    c.numLayers = f.integer("n_layer");
    c.numHeads = f.integer("n_head");
    c.numKvHeads = c.numHeads;
    c.maxPositionEmbeddings = f.integer("n_positions");
    c.intermediateSize = f.integer("n_inner", 4 * c.hiddenSize);
    c.normEps = f.number("layer_norm_epsilon", 1e-5);
    c.tieWordEmbeddings = f.boolean("tie_word_embeddings", true);
    c.attentionBias = c.attentionOutputBias = true;
    const std::string act = f.string("activation_function", "gelu_new");
    if (act != "gelu_new" && act != "gelu_pytorch_tanh") {
        f.unsupported("activation_function", "is `" + act + "` (Ladder's GPT-2 uses gelu_new)");
    }
    if (f.boolean("scale_attn_by_inverse_layer_idx", false)) {
        f.unsupported("scale_attn_by_inverse_layer_idx", "is true");
    }
    if (!f.boolean("scale_attn_weights", true)) f.unsupported("scale_attn_weights", "is false");
    readSpecialIds(f, c);
    return c;
}

void writeSpecialIds(const ModelConfig& c, json& j) {
    if (c.bosTokenId >= 0) j["bos_token_id"] = c.bosTokenId;
    if (c.eosTokenIds.size() == 1) j["eos_token_id"] = c.eosTokenIds.front();
    if (c.eosTokenIds.size() > 1) j["eos_token_id"] = c.eosTokenIds;
    if (c.padTokenId >= 0) j["pad_token_id"] = c.padTokenId;
    j["torch_dtype"] = c.torchDtype;
}

// Each HF model_type fixes which attention biases exist; refuse what it cannot express.
void checkBiasesExpressible(const ModelConfig& c) {
    const std::string where = "writing config.json (model_type " + c.modelType + ")";
    if (c.modelType == "llama" && c.attentionBias != c.attentionOutputBias) {
        throw Error(where + ": Llama's attention_bias sets q/k/v and o_proj biases together; " +
                    "use model_type qwen2 for q/k/v biases alone");
    }
    if ((c.modelType == "mistral" || c.modelType == "phi3") &&
        (c.attentionBias || c.attentionOutputBias)) {
        throw Error(where + ": " + c.modelType + " has no attention biases; use llama or qwen2");
    }
    if (c.modelType == "qwen2" && (!c.attentionBias || c.attentionOutputBias)) {
        throw Error(where + ": Qwen2 has q/k/v biases and no o_proj bias; use llama");
    }
    if (c.modelType == "qwen3" && (c.attentionBias != c.attentionOutputBias || !c.qkNorm)) {
        throw Error(where + ": Qwen3 has q/k norms and its attention_bias sets q/k/v and o_proj " +
                    "biases together");
    }
    if (c.gemma && c.attentionBias != c.attentionOutputBias) {
        throw Error(where + ": Gemma's attention_bias sets q/k/v and o_proj biases together");
    }
    if (c.qkNorm != (c.modelType == "qwen3" || c.modelType == "gemma3_text")) {
        throw Error(where + ": q/k norms are Qwen3's and Gemma 3's, which always have them; use " +
                    "model_type qwen3");
    }
}

}  // namespace

const char* toString(ModelFamily family) {
    switch (family) {
        case ModelFamily::Llama:
            return "llama";
        case ModelFamily::Gpt2:
            return "gpt2";
    }
    return "?";
}

std::int64_t ModelConfig::headDimension() const {
    if (headDim > 0) return headDim;
    return numHeads > 0 ? hiddenSize / numHeads : 0;
}

std::int64_t ModelConfig::eosTokenId() const {
    return eosTokenIds.empty() ? -1 : eosTokenIds.front();
}

void ModelConfig::validate(const std::string& source) const {
    const auto bad = [&](const std::string& field, const std::string& why) {
        throw Error(source + ": " + field + " " + why);
    };
    if (vocabSize <= 0) bad("vocab_size", "must be positive");
    if (hiddenSize <= 0) bad("hidden_size", "must be positive");
    if (numLayers <= 0) bad("num_hidden_layers", "must be positive");
    if (numHeads <= 0) bad("num_attention_heads", "must be positive");
    if (intermediateSize <= 0) bad("intermediate_size", "must be positive");
    if (maxPositionEmbeddings <= 0) bad("max_position_embeddings", "must be positive");
    if (headDim == 0 && hiddenSize % numHeads != 0) {
        bad("hidden_size", "(" + std::to_string(hiddenSize) + ") is not a multiple of " +
                               "num_attention_heads (" + std::to_string(numHeads) + ")");
    }
    if (headDim < 0) bad("head_dim", "must be positive");
    if (family == ModelFamily::Llama && headDimension() % 2 != 0) {
        bad("head_dim", "must be even for rotary embeddings");
    }
    if (numKvHeads <= 0 || numHeads % numKvHeads != 0) {
        bad("num_key_value_heads", "(" + std::to_string(numKvHeads) + ") must divide " +
                                       "num_attention_heads (" + std::to_string(numHeads) + ")");
    }
    if (family == ModelFamily::Gpt2 && (numKvHeads != numHeads || headDim != 0)) {
        bad("n_head", "GPT-2 has neither grouped-query attention nor a separate head_dim");
    }
    if (!(normEps > 0.0)) bad("rms_norm_eps / layer_norm_epsilon", "must be positive");
    if (slidingWindow < 0) bad("sliding_window", "must be positive or 0 (none)");
    const bool gemmaType = modelType == "gemma2" || modelType == "gemma3_text";
    if (slidingWindow > 0 && modelType != "mistral" && modelType != "phi3" && !gemmaType) {
        bad("sliding_window", "is Mistral's, Phi-3's and Gemma's, not " + modelType + "'s");
    }
    if (gemma != gemmaType) bad("model_type", "gemma2 and gemma3_text, and only they, are Gemma");
    if (!slidingLayers.empty() && static_cast<std::int64_t>(slidingLayers.size()) != numLayers) {
        bad("layer_types", "needs one entry per layer (" + std::to_string(numLayers) + ")");
    }
    if (queryPreAttnScalar < 0.0 || attnLogitSoftcap < 0.0 || finalLogitSoftcap < 0.0 ||
        localRopeTheta < 0.0) {
        bad("query_pre_attn_scalar / softcapping / rope_local_base_freq", "must not be negative");
    }
    if (fusedProjections != (modelType == "phi3")) {
        bad("model_type", "phi3 and only phi3 has fused qkv_proj and gate_up_proj weights");
    }
    if (ropeScaling.type == "longrope") {
        const auto half = static_cast<std::size_t>(headDimension() / 2);
        if (ropeScaling.shortFactor.size() != half || ropeScaling.longFactor.size() != half) {
            bad("rope_scaling", "short_factor and long_factor need head_dim / 2 = " +
                                    std::to_string(half) + " entries each, not " +
                                    std::to_string(ropeScaling.shortFactor.size()) + " and " +
                                    std::to_string(ropeScaling.longFactor.size()));
        }
    }
    if (family == ModelFamily::Llama && !(ropeTheta > 0.0)) bad("rope_theta", "must be positive");

    // Bounds first, one size at a time, so that the products below cannot overflow.
    const SizeNames n = sizeNames(family);
    const auto bound = [&](const char* field, std::int64_t value, std::int64_t limit) {
        if (value <= limit) return;
        bad(field, "is " + std::to_string(value) + ", more than any model has (at most " +
                       std::to_string(limit) + "): check the file (a typo, or not this model's?)");
    };
    bound(n.vocab, vocabSize, kMaxVocab);
    bound(n.hidden, hiddenSize, kMaxWidth);
    bound(n.intermediate, intermediateSize, kMaxWidth);
    bound(n.layers, numLayers, kMaxLayers);
    bound(n.heads, numHeads, kMaxWidth);
    bound("head_dim", headDim, kMaxWidth);
    bound(n.positions, maxPositionEmbeddings, kMaxPositions);
    bound("num_attention_heads * head_dim", numHeads * headDimension(), kMaxWidth);
    if (const double count = parameterCount(*this); count > kMaxParameters) {
        char figures[64];
        std::snprintf(figures, sizeof figures, "%.1e parameters, more than Ladder can hold (at most %.1e)",
                      count, kMaxParameters);
        throw Error(source + ": these sizes make a model of " + figures + ": check " +
                    sizesText(*this));
    }
}

std::string sizesText(const ModelConfig& config) {
    const SizeNames n = sizeNames(config.family);
    return std::string(n.hidden) + " " + std::to_string(config.hiddenSize) + ", " +
           n.intermediate + " " + std::to_string(config.intermediateSize) + ", " + n.layers + " " +
           std::to_string(config.numLayers) + " and " + n.vocab + " " +
           std::to_string(config.vocabSize);
}

std::string attentionText(const ModelConfig& c) {
    std::vector<std::string> parts;
    const auto number = [](double x) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", x);
        return std::string(text);
    };
    if (c.slidingWindow > 0) {
        std::string window = "sliding window " + std::to_string(c.slidingWindow);
        if (!c.slidingLayers.empty()) {
            const auto sliding = std::count(c.slidingLayers.begin(), c.slidingLayers.end(), true);
            window += " on " + std::to_string(sliding) + " of " + std::to_string(c.numLayers) +
                      " layers";
        }
        parts.push_back(window);
    }
    const RopeScaling& r = c.ropeScaling;
    if (r.type == "longrope") {
        parts.push_back("RoPE longrope (long factors beyond " +
                        std::to_string(r.originalMaxPositions) + " positions)");
    } else if (r.type == "dynamic") {
        parts.push_back("RoPE dynamic x" + number(r.factor) + " beyond " +
                        std::to_string(r.originalMaxPositions) + " positions");
    } else if (!r.isDefault()) {
        parts.push_back("RoPE " + r.type + " x" + number(r.factor));
    }
    if (c.localRopeTheta > 0.0) parts.push_back("local RoPE base " + number(c.localRopeTheta));
    if (c.attnLogitSoftcap > 0.0 || c.finalLogitSoftcap > 0.0) {
        std::string caps = "soft caps";
        if (c.attnLogitSoftcap > 0.0) caps += " attention " + number(c.attnLogitSoftcap);
        if (c.finalLogitSoftcap > 0.0) caps += " logits " + number(c.finalLogitSoftcap);
        parts.push_back(caps);
    }
    if (c.qkNorm) parts.push_back("q/k norms");
    if (c.fusedProjections) parts.push_back("fused qkv_proj and gate_up_proj");
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : ", ") + part;
    return out;
}

std::vector<WeightShape> weightShapes(const ModelConfig& config) {
    std::vector<WeightShape> out = globalWeights(config);
    for (std::int64_t layer = 0; layer < config.numLayers; ++layer) {
        for (WeightShape& w : layerWeights(config, layer)) out.push_back(std::move(w));
    }
    std::sort(out.begin(), out.end(),
              [](const WeightShape& a, const WeightShape& b) { return a.name < b.name; });
    return out;
}

double parameterCount(const ModelConfig& config) {
    // Every layer has the same shapes: count one.
    return elements(globalWeights(config)) +
           static_cast<double>(config.numLayers) * elements(layerWeights(config, 0));
}

ModelConfig ModelConfig::tiny() {
    ModelConfig c;
    c.family = ModelFamily::Llama;
    c.modelType = "llama";
    c.vocabSize = 259;
    c.hiddenSize = 128;
    c.numLayers = 4;
    c.numHeads = 4;
    c.numKvHeads = 4;
    c.intermediateSize = 4 * 128 * 2 / 3;  // 341: SwiGLU's usual 2/3 of 4C
    c.maxPositionEmbeddings = 1024;
    c.ropeTheta = 10000.0;
    c.normEps = 1e-6;
    c.tieWordEmbeddings = false;
    // The ids of tokenizer::ByteTokenizer.
    c.bosTokenId = 257;
    c.eosTokenIds = {256};
    c.padTokenId = 258;
    return c;
}

ModelConfig ModelConfig::referenceWorkload() {
    ModelConfig c = tiny();
    c.hiddenSize = 256;
    c.intermediateSize = 4 * 256 * 2 / 3;  // 682, as the script's Block computes it
    c.maxPositionEmbeddings = 256;         // the script's --seq
    return c;
}

ModelConfig configFromHfJson(const json& j, const std::string& source) {
    if (!j.is_object()) throw Error(source + ": is not a JSON object");
    if (!j.contains("model_type") || !j.at("model_type").is_string()) {
        throw Error(source + ": missing field `model_type`: is this a Hugging Face config.json?");
    }
    const std::string modelType = j.at("model_type").get<std::string>();
    const Fields fields(j, source, modelType);
    ModelConfig config;
    if (modelType == "llama" || modelType == "mistral" || modelType == "qwen2" ||
        modelType == "qwen3" || modelType == "phi3" || modelType == "gemma2" ||
        modelType == "gemma3_text") {
        config = llamaFromJson(fields, modelType);
    } else if (modelType == "gemma3") {
        throw Error(source + ": model_type `gemma3` is Gemma 3's image-and-text model: Ladder " +
                    "reads the text-only Gemma 3 (model_type gemma3_text, as gemma-3-1b has)");
    } else if (modelType == "gpt2") {
        config = gpt2FromJson(fields);
    } else {
        throw Error(source + ": model_type `" + modelType + "` is not supported: Ladder reads " +
                    "llama, mistral, qwen2, qwen3, phi3, gemma2, gemma3_text and gpt2");
    }
    config.validate(source);
    return config;
}

json configToHfJson(const ModelConfig& c) {
    c.validate("writing config.json");
    json j;
    j["model_type"] = c.modelType;
    j["vocab_size"] = c.vocabSize;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    if (c.family == ModelFamily::Gpt2) {
        j["architectures"] = {"GPT2LMHeadModel"};
        j["n_embd"] = c.hiddenSize;
        j["n_layer"] = c.numLayers;
        j["n_head"] = c.numHeads;
        j["n_positions"] = c.maxPositionEmbeddings;
        j["n_ctx"] = c.maxPositionEmbeddings;
        j["n_inner"] = c.intermediateSize;
        j["layer_norm_epsilon"] = c.normEps;
        j["activation_function"] = "gelu_new";
        // Ladder's GPT-2 has no dropout: post-training runs and evaluation both want it off.
        j["resid_pdrop"] = 0.0;
        j["embd_pdrop"] = 0.0;
        j["attn_pdrop"] = 0.0;
    } else {
        checkBiasesExpressible(c);
        static const std::map<std::string, std::string> kArchitecture = {
            {"llama", "LlamaForCausalLM"},
            {"mistral", "MistralForCausalLM"},
            {"qwen2", "Qwen2ForCausalLM"},
            {"qwen3", "Qwen3ForCausalLM"},
            {"phi3", "Phi3ForCausalLM"},
            {"gemma2", "Gemma2ForCausalLM"},
            {"gemma3_text", "Gemma3ForCausalLM"}};
        const auto it = kArchitecture.find(c.modelType);
        if (it == kArchitecture.end()) {
            throw Error("writing config.json: model_type `" + c.modelType +
                        "` is not a Llama-family type (llama, mistral, qwen2, qwen3, phi3, " +
                        "gemma2, gemma3_text)");
        }
        j["architectures"] = {it->second};
        j["hidden_size"] = c.hiddenSize;
        j["intermediate_size"] = c.intermediateSize;
        j["num_hidden_layers"] = c.numLayers;
        j["num_attention_heads"] = c.numHeads;
        j["num_key_value_heads"] = c.numKvHeads;
        // Gemma's readers default head_dim to 256, not C / H: it is always written for them.
        if (c.headDim > 0 || c.gemma) j["head_dim"] = c.headDimension();
        j["max_position_embeddings"] = c.maxPositionEmbeddings;
        j["rope_theta"] = c.ropeTheta;
        if (!c.ropeScaling.isDefault()) {
            // The older top-level form: transformers 4 reads it, and 5 converts it.
            const RopeScaling& r = c.ropeScaling;
            json scaling = {{"rope_type", r.type}, {"factor", r.factor}};
            if (r.type == "longrope") {
                scaling["short_factor"] = r.shortFactor;
                scaling["long_factor"] = r.longFactor;
                scaling["attention_factor"] = r.attentionFactor;
                scaling["original_max_position_embeddings"] = r.originalMaxPositions;
                j["original_max_position_embeddings"] = r.originalMaxPositions;
            }
            if (r.type == "llama3") {
                scaling["low_freq_factor"] = r.lowFreqFactor;
                scaling["high_freq_factor"] = r.highFreqFactor;
                scaling["original_max_position_embeddings"] = r.originalMaxPositions;
            }
            j["rope_scaling"] = scaling;
        }
        j["rms_norm_eps"] = c.normEps;
        j["attention_dropout"] = 0.0;
        if (c.gemma) {
            j["hidden_activation"] = "gelu_pytorch_tanh";
            j["query_pre_attn_scalar"] = c.queryPreAttnScalar > 0.0
                                             ? c.queryPreAttnScalar
                                             : static_cast<double>(c.headDimension());
            const auto cap = [](double x) { return x > 0.0 ? json(x) : json(nullptr); };
            j["attn_logit_softcapping"] = cap(c.attnLogitSoftcap);
            j["final_logit_softcapping"] = cap(c.finalLogitSoftcap);
            json types = json::array();
            for (std::int64_t i = 0; i < c.numLayers; ++i) {
                const bool sliding =
                    c.slidingLayers.empty() || c.slidingLayers[static_cast<std::size_t>(i)];
                types.push_back(sliding ? "sliding_attention" : "full_attention");
            }
            j["layer_types"] = types;
            if (c.modelType == "gemma3_text") {  // 0: the sliding layers turn as the full ones
                j["rope_local_base_freq"] = c.localRopeTheta > 0.0 ? c.localRopeTheta : c.ropeTheta;
            }
        } else {
            j["hidden_act"] = "silu";
        }
        if (c.modelType == "llama" || c.modelType == "qwen3" || c.gemma) {
            j["attention_bias"] = c.attentionBias;
        }
        if (c.modelType == "qwen2" || c.modelType == "qwen3") j["use_sliding_window"] = false;
        if (c.modelType == "mistral" || c.modelType == "phi3" || c.gemma) {
            j["sliding_window"] = c.slidingWindow > 0 ? json(c.slidingWindow) : json(nullptr);
        }
    }
    writeSpecialIds(c, j);
    return j;
}

ModelConfig readConfigJson(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path)) {
        throw Error("cannot read " + path.string() + ": check that the model folder has it");
    }
    return configFromHfJson(ladder::json::readFile(path), path.string());
}

void writeConfigJson(const ModelConfig& config, const std::filesystem::path& path) {
    const json j = configToHfJson(config);
    AtomicFile file(path);
    file.stream() << j.dump(2) << '\n';
    file.commit();
}

}  // namespace ladder::model
