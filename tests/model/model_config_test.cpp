// ModelConfig: Hugging Face config.json for llama, mistral, qwen2, qwen3, phi3 and gpt2, errors,
// round trips.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/model_config.h"
#include "tests/model/model_test_util.h"
#include "tests/support/test_support.h"

namespace ladder::model {
namespace {

using nlohmann::json;

using test::errorOf;

TEST(ModelConfig, ReadsLlamaFieldsWithHfDefaultsForOptionalOnes) {
    const json j = {
        {"model_type", "llama"},      {"vocab_size", 32000},     {"hidden_size", 4096},
        {"intermediate_size", 11008}, {"num_hidden_layers", 32}, {"num_attention_heads", 32},
        {"rms_norm_eps", 1e-5},       {"bos_token_id", 1},       {"eos_token_id", 2}};
    const ModelConfig c = configFromHfJson(j, "config.json");
    EXPECT_EQ(c.family, ModelFamily::Llama);
    EXPECT_EQ(c.vocabSize, 32000);
    EXPECT_EQ(c.hiddenSize, 4096);
    EXPECT_EQ(c.intermediateSize, 11008);
    EXPECT_EQ(c.numLayers, 32);
    EXPECT_EQ(c.numHeads, 32);
    EXPECT_EQ(c.numKvHeads, 32);  // absent: no grouped-query attention
    EXPECT_EQ(c.headDimension(), 128);
    EXPECT_DOUBLE_EQ(c.ropeTheta, 10000.0);
    EXPECT_DOUBLE_EQ(c.normEps, 1e-5);
    EXPECT_FALSE(c.tieWordEmbeddings);
    EXPECT_FALSE(c.attentionBias);
    EXPECT_EQ(c.bosTokenId, 1);
    EXPECT_EQ(c.eosTokenId(), 2);
    EXPECT_EQ(c.padTokenId, -1);
}

TEST(ModelConfig, ReadsQwen2WithQkvBiasGqaAndTiedHead) {
    const json j = {
        {"model_type", "qwen2"},       {"vocab_size", 151936},    {"hidden_size", 896},
        {"intermediate_size", 4864},   {"num_hidden_layers", 24}, {"num_attention_heads", 14},
        {"num_key_value_heads", 2},    {"rope_theta", 1000000.0}, {"rms_norm_eps", 1e-6},
        {"tie_word_embeddings", true}, {"eos_token_id", 151643},  {"torch_dtype", "bfloat16"}};
    const ModelConfig c = configFromHfJson(j, "config.json");
    EXPECT_EQ(c.modelType, "qwen2");
    EXPECT_EQ(c.numKvHeads, 2);
    EXPECT_EQ(c.headDimension(), 64);
    EXPECT_DOUBLE_EQ(c.ropeTheta, 1e6);
    EXPECT_TRUE(c.tieWordEmbeddings);
    EXPECT_TRUE(c.attentionBias);
    EXPECT_FALSE(c.attentionOutputBias);
    EXPECT_EQ(c.torchDtype, "bfloat16");
}

// Qwen3-0.6B's config.json (as its model card and transformers' Qwen3Config give it).
TEST(ModelConfig, ReadsQwen3WithQkNormsAndItsOwnHeadDim) {
    const json j = {
        {"model_type", "qwen3"},       {"vocab_size", 151936},       {"hidden_size", 1024},
        {"intermediate_size", 3072},   {"num_hidden_layers", 28},    {"num_attention_heads", 16},
        {"num_key_value_heads", 8},    {"head_dim", 128},            {"rope_theta", 1000000.0},
        {"rms_norm_eps", 1e-6},        {"tie_word_embeddings", true}, {"attention_bias", false},
        {"use_sliding_window", false}, {"sliding_window", nullptr},  {"max_window_layers", 28},
        {"eos_token_id", 151645},      {"torch_dtype", "bfloat16"}};
    const ModelConfig c = configFromHfJson(j, "config.json");
    EXPECT_EQ(c.modelType, "qwen3");
    EXPECT_TRUE(c.qkNorm);
    EXPECT_EQ(c.headDimension(), 128);  // 16 x 128 = 2048 wide queries on a 1024 model
    EXPECT_FALSE(c.attentionBias);
    EXPECT_FALSE(c.attentionOutputBias);
    EXPECT_EQ(configFromHfJson(configToHfJson(c), "written").qkNorm, true);
    EXPECT_EQ(configToHfJson(c).at("architectures").at(0), "Qwen3ForCausalLM");
    // Its sliding-window layers change the maths beyond the window: refused, naming the key.
    json windowed = j;
    windowed["use_sliding_window"] = true;
    const std::string message = errorOf([&] { (void)configFromHfJson(windowed, "config.json"); });
    EXPECT_NE(message.find("use_sliding_window"), std::string::npos) << message;
    // And q/k norms under another model_type cannot be written as that type.
    ModelConfig llama = c;
    llama.modelType = "llama";
    EXPECT_NE(errorOf([&] { (void)configToHfJson(llama); }).find("qwen3"), std::string::npos);
}

TEST(ModelConfig, ReadsMistralAndLlama3EosList) {
    const json j = {{"model_type", "mistral"},  {"vocab_size", 32768},
                    {"hidden_size", 256},       {"intermediate_size", 512},
                    {"num_hidden_layers", 2},   {"num_attention_heads", 8},
                    {"num_key_value_heads", 2}, {"head_dim", 64},
                    {"sliding_window", 4096},   {"eos_token_id", {128001, 128008, 128009}}};
    const ModelConfig c = configFromHfJson(j, "config.json");
    EXPECT_EQ(c.headDimension(), 64);  // explicit, not 256 / 8
    EXPECT_EQ(c.eosTokenIds, (std::vector<std::int64_t>{128001, 128008, 128009}));
    EXPECT_FALSE(c.attentionBias);
    // The sliding window is read, written back, and null means none; absent, transformers' 4096.
    EXPECT_EQ(c.slidingWindow, 4096);
    json absent = j;
    absent.erase("sliding_window");
    EXPECT_EQ(configFromHfJson(absent, "config.json").slidingWindow, 4096);
    EXPECT_EQ(configToHfJson(c).at("sliding_window"), 4096);
    EXPECT_EQ(configFromHfJson(configToHfJson(c), "written").slidingWindow, 4096);
    json whole = j;
    whole["sliding_window"] = nullptr;
    const ModelConfig unwindowed = configFromHfJson(whole, "config.json");
    EXPECT_EQ(unwindowed.slidingWindow, 0);
    EXPECT_TRUE(configToHfJson(unwindowed).at("sliding_window").is_null());
    whole["sliding_window"] = -1;
    const std::string negative = errorOf([&] { (void)configFromHfJson(whole, "config.json"); });
    EXPECT_NE(negative.find("sliding_window"), std::string::npos) << negative;
    // Only Mistral's attention has the window Ladder builds; Qwen2's windowed layers are refused.
    ModelConfig llama = c;
    llama.modelType = "llama";
    EXPECT_NE(errorOf([&] { llama.validate("config.json"); }).find("sliding_window"),
              std::string::npos);
    const json qwen2 = {{"model_type", "qwen2"},        {"vocab_size", 64},
                        {"hidden_size", 32},            {"intermediate_size", 64},
                        {"num_hidden_layers", 2},       {"num_attention_heads", 4},
                        {"use_sliding_window", true},   {"sliding_window", 16}};
    const std::string windowed = errorOf([&] { (void)configFromHfJson(qwen2, "config.json"); });
    EXPECT_NE(windowed.find("use_sliding_window"), std::string::npos) << windowed;
}

// Phi-3.5-mini-instruct's config.json as its model card gives it (its 48 factors shortened to the
// head_dim / 2 of a narrower model), written by transformers 4: rope_scaling of type longrope.
TEST(ModelConfig, ReadsPhi3WithFusedWeightsLongRopeAndItsWindow) {
    std::vector<double> shortFactor(8, 1.05), longFactor(8, 2.0);
    longFactor.back() = 40.0;
    const json j = {{"model_type", "phi3"},
                    {"vocab_size", 32064},
                    {"hidden_size", 128},
                    {"intermediate_size", 256},
                    {"num_hidden_layers", 2},
                    {"num_attention_heads", 8},
                    {"num_key_value_heads", 8},
                    {"max_position_embeddings", 131072},
                    {"original_max_position_embeddings", 4096},
                    {"rope_theta", 10000.0},
                    {"rope_scaling", {{"type", "longrope"},
                                      {"short_factor", shortFactor},
                                      {"long_factor", longFactor}}},
                    {"sliding_window", 262144},
                    {"rms_norm_eps", 1e-5},
                    {"tie_word_embeddings", false},
                    {"bos_token_id", 1},
                    {"eos_token_id", 32000}};
    const ModelConfig c = configFromHfJson(j, "config.json");
    EXPECT_TRUE(c.fusedProjections);
    EXPECT_FALSE(c.attentionBias);
    EXPECT_EQ(c.slidingWindow, 262144);
    EXPECT_EQ(c.ropeScaling.type, "longrope");
    EXPECT_EQ(c.ropeScaling.originalMaxPositions, 4096);
    EXPECT_EQ(c.ropeScaling.longFactor, longFactor);
    // Without a factor: the context's growth, 32; the attention factor from it as transformers has.
    EXPECT_DOUBLE_EQ(c.ropeScaling.factor, 32.0);
    EXPECT_NEAR(c.ropeScaling.attentionFactor, 1.19024, 1e-5);
    const json written = configToHfJson(c);
    EXPECT_EQ(written.at("architectures").at(0), "Phi3ForCausalLM");
    const ModelConfig back = configFromHfJson(written, "written");
    EXPECT_EQ(back.ropeScaling.shortFactor, shortFactor);
    EXPECT_DOUBLE_EQ(back.ropeScaling.attentionFactor, c.ropeScaling.attentionFactor);
    EXPECT_EQ(back.slidingWindow, 262144);
    // The weights are Phi-3's fused ones.
    bool qkv = false, gateUp = false;
    for (const WeightShape& w : weightShapes(c)) {
        EXPECT_EQ(w.name.find("q_proj"), std::string::npos) << w.name;
        qkv |= w.name == "model.layers.0.self_attn.qkv_proj.weight" && w.dims[0].size == 3 * 128;
        gateUp |= w.name == "model.layers.1.mlp.gate_up_proj.weight" && w.dims[0].size == 512;
    }
    EXPECT_TRUE(qkv);
    EXPECT_TRUE(gateUp);
    // A factor list of the wrong length, and RoPE on part of each head, are named.
    json shortList = j;
    shortList["rope_scaling"]["long_factor"] = std::vector<double>(7, 1.0);
    std::string message = errorOf([&] { (void)configFromHfJson(shortList, "config.json"); });
    EXPECT_NE(message.find("long_factor"), std::string::npos) << message;
    json partial = j;
    partial["partial_rotary_factor"] = 0.75;
    message = errorOf([&] { (void)configFromHfJson(partial, "config.json"); });
    EXPECT_NE(message.find("partial_rotary_factor"), std::string::npos) << message;
}

// Gemma 2's config.json (gemma-2-2b-it's sizes), with and without the fields transformers fills.
TEST(ModelConfig, ReadsGemma2WithItsDefaultsSoftCapsAndAlternatingWindows) {
    json j = {{"model_type", "gemma2"},        {"vocab_size", 256000},
              {"hidden_size", 2304},           {"intermediate_size", 9216},
              {"num_hidden_layers", 4},        {"num_attention_heads", 8},
              {"num_key_value_heads", 4},      {"head_dim", 256},
              {"hidden_activation", "gelu_pytorch_tanh"}};
    ModelConfig c = configFromHfJson(j, "config.json");
    EXPECT_TRUE(c.gemma);
    EXPECT_TRUE(c.tieWordEmbeddings);
    EXPECT_DOUBLE_EQ(c.attnLogitSoftcap, 50.0);
    EXPECT_DOUBLE_EQ(c.finalLogitSoftcap, 30.0);
    EXPECT_DOUBLE_EQ(c.queryPreAttnScalar, 256.0);
    EXPECT_EQ(c.slidingWindow, 4096);
    EXPECT_EQ(c.slidingLayers, (std::vector<bool>{true, false, true, false}));
    const json written = configToHfJson(c);
    EXPECT_EQ(written.at("architectures").at(0), "Gemma2ForCausalLM");
    EXPECT_EQ(written.at("layer_types").at(1), "full_attention");
    EXPECT_FALSE(written.contains("hidden_act"));
    const ModelConfig back = configFromHfJson(written, "written");
    EXPECT_EQ(back.slidingLayers, c.slidingLayers);
    EXPECT_DOUBLE_EQ(back.attnLogitSoftcap, 50.0);
    // null is no cap; a layer type Ladder does not build, and the wrong count, are named.
    j["attn_logit_softcapping"] = nullptr;
    j["layer_types"] = {"full_attention", "full_attention", "sliding_attention", "full_attention"};
    c = configFromHfJson(j, "config.json");
    EXPECT_DOUBLE_EQ(c.attnLogitSoftcap, 0.0);
    EXPECT_EQ(c.slidingLayers, (std::vector<bool>{false, false, true, false}));
    EXPECT_TRUE(configToHfJson(c).at("attn_logit_softcapping").is_null());
    j["layer_types"] = {"full_attention", "chunked_attention", "full_attention", "full_attention"};
    std::string message = errorOf([&] { (void)configFromHfJson(j, "config.json"); });
    EXPECT_NE(message.find("chunked_attention"), std::string::npos) << message;
    j["layer_types"] = {"full_attention"};
    message = errorOf([&] { (void)configFromHfJson(j, "config.json"); });
    EXPECT_NE(message.find("layer_types"), std::string::npos) << message;
    j.erase("layer_types");
    j["hidden_activation"] = "gelu";
    message = errorOf([&] { (void)configFromHfJson(j, "config.json"); });
    EXPECT_NE(message.find("hidden_activation"), std::string::npos) << message;
}

// Gemma 3's text model in both forms of its RoPE: transformers 5's rope_parameters per layer type,
// and the older rope_theta, rope_local_base_freq and rope_scaling (of the full layers).
TEST(ModelConfig, ReadsGemma3TextWithItsTwoRopeBasesInBothForms) {
    const json base = {{"model_type", "gemma3_text"}, {"vocab_size", 262144},
                       {"hidden_size", 1152},         {"intermediate_size", 6912},
                       {"num_hidden_layers", 12},     {"num_attention_heads", 4},
                       {"num_key_value_heads", 1},    {"head_dim", 256},
                       {"sliding_window", 512},       {"query_pre_attn_scalar", 256}};
    json v5 = base;
    v5["rope_parameters"] = {
        {"full_attention", {{"rope_type", "linear"}, {"factor", 8.0}, {"rope_theta", 1000000.0}}},
        {"sliding_attention", {{"rope_type", "default"}, {"rope_theta", 10000.0}}}};
    json v4 = base;
    v4["rope_theta"] = 1000000.0;
    v4["rope_local_base_freq"] = 10000.0;
    v4["rope_scaling"] = {{"rope_type", "linear"}, {"factor", 8.0}};
    v4["sliding_window_pattern"] = 6;
    for (const json& j : {v5, v4}) {
        const ModelConfig c = configFromHfJson(j, "config.json");
        EXPECT_TRUE(c.qkNorm);
        EXPECT_DOUBLE_EQ(c.attnLogitSoftcap, 0.0);
        EXPECT_DOUBLE_EQ(c.finalLogitSoftcap, 0.0);
        EXPECT_DOUBLE_EQ(c.ropeTheta, 1e6);
        EXPECT_EQ(c.ropeScaling.type, "linear");
        EXPECT_DOUBLE_EQ(c.localRopeTheta, 1e4);
        // Five sliding layers, then a full one.
        EXPECT_FALSE(c.slidingLayers[5]);
        EXPECT_TRUE(c.slidingLayers[6]);
        EXPECT_FALSE(c.slidingLayers[11]);
        const ModelConfig back = configFromHfJson(configToHfJson(c), "written");
        EXPECT_DOUBLE_EQ(back.localRopeTheta, 1e4);
        EXPECT_EQ(back.ropeScaling.type, "linear");
        EXPECT_EQ(back.slidingLayers, c.slidingLayers);
    }
    json vision = base;
    vision["model_type"] = "gemma3";
    const std::string message = errorOf([&] { (void)configFromHfJson(vision, "config.json"); });
    EXPECT_NE(message.find("gemma3_text"), std::string::npos) << message;
}

// What the launcher's folder check and `ladder-cli model info` say about a model's attention.
TEST(ModelConfig, AttentionTextNamesWindowsRopeSoftCapsAndFusedWeights) {
    EXPECT_EQ(attentionText(ModelConfig::tiny()), "");
    const json gemma2 = {{"model_type", "gemma2"},    {"vocab_size", 256000},
                         {"hidden_size", 2304},       {"intermediate_size", 9216},
                         {"num_hidden_layers", 26},   {"num_attention_heads", 8},
                         {"num_key_value_heads", 4},  {"head_dim", 256}};
    EXPECT_EQ(attentionText(configFromHfJson(gemma2, "config.json")),
              "sliding window 4096 on 13 of 26 layers, soft caps attention 50 logits 30");
    json gemma3 = gemma2;
    gemma3["model_type"] = "gemma3_text";
    gemma3["num_hidden_layers"] = 12;
    gemma3["rope_scaling"] = {{"rope_type", "linear"}, {"factor", 8.0}};
    EXPECT_EQ(attentionText(configFromHfJson(gemma3, "config.json")),
              "sliding window 4096 on 10 of 12 layers, RoPE linear x8, local RoPE base 10000, "
              "q/k norms");
    const json phi35 = {{"model_type", "phi3"},         {"vocab_size", 32064},
                        {"hidden_size", 64},            {"intermediate_size", 128},
                        {"num_hidden_layers", 2},       {"num_attention_heads", 4},
                        {"max_position_embeddings", 131072},
                        {"original_max_position_embeddings", 4096},
                        {"rope_scaling", {{"type", "longrope"},
                                          {"short_factor", std::vector<double>(8, 1.0)},
                                          {"long_factor", std::vector<double>(8, 2.0)}}}};
    EXPECT_EQ(attentionText(configFromHfJson(phi35, "config.json")),
              "RoPE longrope (long factors beyond 4096 positions), fused qkv_proj and gate_up_proj");
}

TEST(ModelConfig, ReadsGpt2OwnFieldNames) {
    const json j = {{"model_type", "gpt2"},
                    {"vocab_size", 50257},
                    {"n_embd", 768},
                    {"n_layer", 12},
                    {"n_head", 12},
                    {"n_positions", 1024},
                    {"n_inner", nullptr},
                    {"layer_norm_epsilon", 1e-5},
                    {"activation_function", "gelu_new"},
                    {"eos_token_id", 50256}};
    const ModelConfig c = configFromHfJson(j, "config.json");
    EXPECT_EQ(c.family, ModelFamily::Gpt2);
    EXPECT_EQ(c.hiddenSize, 768);
    EXPECT_EQ(c.numLayers, 12);
    EXPECT_EQ(c.numHeads, 12);
    EXPECT_EQ(c.maxPositionEmbeddings, 1024);
    EXPECT_EQ(c.intermediateSize, 4 * 768);  // n_inner null: 4 n_embd
    EXPECT_TRUE(c.tieWordEmbeddings);        // GPT-2's default
    EXPECT_DOUBLE_EQ(c.normEps, 1e-5);
}

TEST(ModelConfig, MissingFieldNamesFileAndField) {
    const json j = {{"model_type", "llama"},
                    {"vocab_size", 100},
                    {"intermediate_size", 64},
                    {"num_hidden_layers", 2},
                    {"num_attention_heads", 2}};
    const std::string message = errorOf([&] { (void)configFromHfJson(j, "m/config.json"); });
    EXPECT_NE(message.find("m/config.json"), std::string::npos) << message;
    EXPECT_NE(message.find("hidden_size"), std::string::npos) << message;
}

TEST(ModelConfig, Gpt2MissingFieldUsesGpt2Name) {
    const json j = {{"model_type", "gpt2"},
                    {"vocab_size", 100},
                    {"n_embd", 64},
                    {"n_head", 2},
                    {"n_positions", 32}};
    const std::string message = errorOf([&] { (void)configFromHfJson(j, "config.json"); });
    EXPECT_NE(message.find("n_layer"), std::string::npos) << message;
}

TEST(ModelConfig, UnknownModelTypeIsAnError) {
    const json j = {{"model_type", "mamba"}, {"vocab_size", 100}};
    const std::string message = errorOf([&] { (void)configFromHfJson(j, "config.json"); });
    EXPECT_NE(message.find("mamba"), std::string::npos) << message;
    EXPECT_NE(message.find("config.json"), std::string::npos) << message;
    EXPECT_NE(errorOf([&] {
                  (void)configFromHfJson(json{{"vocab_size", 1}}, "config.json");
              }).find("model_type"),
              std::string::npos);
}

TEST(ModelConfig, WrongTypesAndUnsupportedFeaturesAreErrors) {
    json j = {{"model_type", "llama"},   {"vocab_size", 100},      {"hidden_size", "64"},
              {"intermediate_size", 64}, {"num_hidden_layers", 2}, {"num_attention_heads", 2}};
    EXPECT_NE(errorOf([&] { (void)configFromHfJson(j, "config.json"); }).find("hidden_size"),
              std::string::npos);
    j["hidden_size"] = 64;
    // llama3 scaling without its other fields; a scaling Ladder does not compute.
    j["rope_scaling"] = {{"type", "llama3"}, {"factor", 8.0}};
    std::string message = errorOf([&] { (void)configFromHfJson(j, "config.json"); });
    EXPECT_NE(message.find("rope_scaling"), std::string::npos) << message;
    EXPECT_NE(message.find("low_freq_factor"), std::string::npos) << message;
    j["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
    message = errorOf([&] { (void)configFromHfJson(j, "config.json"); });
    EXPECT_NE(message.find("yarn"), std::string::npos) << message;
    EXPECT_NE(message.find("does not support"), std::string::npos) << message;
    j.erase("rope_scaling");
    j["num_key_value_heads"] = 3;  // does not divide 2
    EXPECT_NE(
        errorOf([&] { (void)configFromHfJson(j, "config.json"); }).find("num_key_value_heads"),
        std::string::npos);
}

// Dynamic NTK RoPE stretches its base beyond max_position_embeddings; linear takes only a factor.
TEST(ModelConfig, DynamicAndLinearRopeAreReadAndWrittenBack) {
    json j = {{"model_type", "llama"},  {"vocab_size", 100},        {"hidden_size", 64},
              {"intermediate_size", 64}, {"num_hidden_layers", 2}, {"num_attention_heads", 2},
              {"max_position_embeddings", 128}};
    for (const char* type : {"dynamic", "linear"}) {
        j["rope_parameters"] = {{"rope_theta", 10000.0}, {"rope_type", type}, {"factor", 2.0}};
        const ModelConfig c = configFromHfJson(j, "config.json");
        EXPECT_EQ(c.ropeScaling.type, type);
        EXPECT_DOUBLE_EQ(c.ropeScaling.factor, 2.0);
        if (std::string(type) == "dynamic") {
            EXPECT_EQ(c.ropeScaling.originalMaxPositions, 128);
        }
        const ModelConfig back = configFromHfJson(configToHfJson(c), "written");
        EXPECT_EQ(back.ropeScaling.type, type);
        EXPECT_EQ(back.ropeScaling.originalMaxPositions, c.ropeScaling.originalMaxPositions);
        j["rope_parameters"].erase("factor");
        const std::string message = errorOf([&] { (void)configFromHfJson(j, "config.json"); });
        EXPECT_NE(message.find("factor"), std::string::npos) << message;
    }
}

// transformers 5 writes rope_theta and the scaling into rope_parameters; 4 wrote them at the top.
TEST(ModelConfig, RopeParametersOfBothTransformersVersionsAreRead) {
    const json base = {{"model_type", "llama"},   {"vocab_size", 100},
                       {"hidden_size", 64},       {"intermediate_size", 64},
                       {"num_hidden_layers", 2},  {"num_attention_heads", 2}};
    json v5 = base;
    v5["rope_parameters"] = {{"rope_theta", 500000.0}, {"rope_type", "llama3"},
                             {"factor", 32.0},         {"low_freq_factor", 1.0},
                             {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8192}};
    json v4 = base;
    v4["rope_theta"] = 500000.0;
    v4["rope_scaling"] = {{"rope_type", "llama3"},  {"factor", 32.0}, {"low_freq_factor", 1.0},
                          {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8192}};
    for (const json& j : {v5, v4}) {
        const ModelConfig c = configFromHfJson(j, "config.json");
        EXPECT_DOUBLE_EQ(c.ropeTheta, 500000.0);
        EXPECT_EQ(c.ropeScaling.type, "llama3");
        EXPECT_DOUBLE_EQ(c.ropeScaling.factor, 32.0);
        EXPECT_EQ(c.ropeScaling.originalMaxPositions, 8192);
        // Written back and read again: the same scaling.
        ladder::test::TempDir dir;
        writeConfigJson(c, dir / "config.json");
        const ModelConfig back = readConfigJson(dir / "config.json");
        EXPECT_DOUBLE_EQ(back.ropeTheta, 500000.0);
        EXPECT_EQ(back.ropeScaling.type, "llama3");
        EXPECT_DOUBLE_EQ(back.ropeScaling.highFreqFactor, 4.0);
    }
    json plain = base;
    plain["rope_parameters"] = {{"rope_theta", 100000.0}, {"rope_type", "default"}};
    const ModelConfig c = configFromHfJson(plain, "config.json");
    EXPECT_DOUBLE_EQ(c.ropeTheta, 100000.0);
    EXPECT_TRUE(c.ropeScaling.isDefault());
}

TEST(ModelConfig, WriteThenReadGivesTheSameConfig) {
    ladder::test::TempDir dir;
    for (const ModelConfig& original : {ModelConfig::tiny(), ModelConfig::referenceWorkload()}) {
        writeConfigJson(original, dir / "config.json");
        const ModelConfig back = readConfigJson(dir / "config.json");
        EXPECT_EQ(back.modelType, original.modelType);
        EXPECT_EQ(back.vocabSize, original.vocabSize);
        EXPECT_EQ(back.hiddenSize, original.hiddenSize);
        EXPECT_EQ(back.intermediateSize, original.intermediateSize);
        EXPECT_EQ(back.numLayers, original.numLayers);
        EXPECT_EQ(back.numHeads, original.numHeads);
        EXPECT_EQ(back.numKvHeads, original.numKvHeads);
        EXPECT_DOUBLE_EQ(back.ropeTheta, original.ropeTheta);
        EXPECT_DOUBLE_EQ(back.normEps, original.normEps);
        EXPECT_EQ(back.tieWordEmbeddings, original.tieWordEmbeddings);
        EXPECT_EQ(back.bosTokenId, original.bosTokenId);
        EXPECT_EQ(back.eosTokenIds, original.eosTokenIds);
        EXPECT_EQ(back.padTokenId, original.padTokenId);
    }
    // Only one file: the temporary file was renamed into place.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                            std::filesystem::directory_iterator()),
              1);
}

TEST(ModelConfig, Gpt2WritesItsOwnFieldNames) {
    ModelConfig c;
    c.family = ModelFamily::Gpt2;
    c.modelType = "gpt2";
    c.hiddenSize = 64;
    c.numHeads = 4;
    c.numKvHeads = 4;
    c.intermediateSize = 256;
    c.tieWordEmbeddings = true;
    const json j = configToHfJson(c);
    EXPECT_EQ(j.at("n_embd"), 64);
    EXPECT_EQ(j.at("n_inner"), 256);
    EXPECT_EQ(j.at("architectures")[0], "GPT2LMHeadModel");
    EXPECT_FALSE(j.contains("hidden_size"));
    const ModelConfig back = configFromHfJson(j, "config.json");
    EXPECT_EQ(back.family, ModelFamily::Gpt2);
    EXPECT_EQ(back.intermediateSize, 256);
}

TEST(ModelConfig, RefusesBiasesTheModelTypeCannotExpress) {
    ModelConfig c = ModelConfig::tiny();
    c.attentionBias = true;  // q/k/v only: Llama's attention_bias would add o_proj too
    EXPECT_NE(errorOf([&] { (void)configToHfJson(c); }).find("qwen2"), std::string::npos);
    c.modelType = "qwen2";
    EXPECT_EQ(configToHfJson(c).at("model_type"), "qwen2");
}

TEST(ModelConfig, BuiltInConfigsMatchTheirPurpose) {
    const ModelConfig reference = ModelConfig::referenceWorkload();
    EXPECT_EQ(reference.hiddenSize, 256);
    EXPECT_EQ(reference.numLayers, 4);
    EXPECT_EQ(reference.numHeads, 4);
    EXPECT_EQ(reference.intermediateSize, 682);
    EXPECT_EQ(reference.vocabSize, 259);
    EXPECT_FALSE(reference.tieWordEmbeddings);
    EXPECT_DOUBLE_EQ(reference.normEps, 1e-6);
    EXPECT_DOUBLE_EQ(reference.ropeTheta, 10000.0);
    const ModelConfig tiny = ModelConfig::tiny();
    EXPECT_EQ(tiny.vocabSize, 259);
    EXPECT_NO_THROW(tiny.validate());
}

// The sizes of issue #22: config.json files with sizes no model has are refused with the file and
// the field, before anything is allocated for them.
TEST(ModelConfig, SizeBeyondAnyRealModelIsRefusedNamingTheFileAndTheField) {
    const json j = {{"model_type", "llama"},           {"vocab_size", 49152},
                    {"hidden_size", 576},              {"intermediate_size", 172000516},
                    {"num_hidden_layers", 30},         {"num_attention_heads", 9},
                    {"num_key_value_heads", 3}};
    const std::string message = errorOf([&] { (void)configFromHfJson(j, "m/config.json"); });
    EXPECT_NE(message.find("m/config.json: intermediate_size is 172000516, more than any model "
                           "has (at most 1048576)"),
              std::string::npos)
        << message;
}

TEST(ModelConfig, SizesThatMakeMoreParametersThanAnyRealModelAreRefused) {
    const json j = {{"model_type", "llama"},        {"vocab_size", 32000},
                    {"hidden_size", 131072},        {"intermediate_size", 1048576},
                    {"num_hidden_layers", 64},      {"num_attention_heads", 1024}};
    const std::string message = errorOf([&] { (void)configFromHfJson(j, "m/config.json"); });
    EXPECT_NE(message.find("m/config.json: these sizes make a model of 3.1e+13 parameters"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("check hidden_size 131072, intermediate_size 1048576, "
                           "num_hidden_layers 64 and vocab_size 32000"),
              std::string::npos)
        << message;
}

}  // namespace
}  // namespace ladder::model
