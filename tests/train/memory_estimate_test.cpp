// The memory estimate before a run: each option shrinks the part it is for, the parts add up, and
// a run over the free memory is told what to change. How close it comes to a measured peak is
// bench_dpo_memory's (the figures are in issue 14's note).
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/model/model_config.h"
#include "core/train/memory_estimate.h"
#include "core/train/run_config.h"

namespace ladder::train {
namespace {

model::ModelConfig qwen05Shape() {
    model::ModelConfig c;
    c.family = model::ModelFamily::Llama;
    c.modelType = "qwen2";
    c.vocabSize = 151936;
    c.hiddenSize = 896;
    c.numLayers = 24;
    c.numHeads = 14;
    c.numKvHeads = 2;
    c.intermediateSize = 4864;
    c.tieWordEmbeddings = true;
    c.attentionBias = true;
    return c;
}

MemoryInputs inputs() {
    MemoryInputs in;
    in.model = qwen05Shape();
    in.pairs = 4;
    in.promptTokens = 128;
    in.answerTokens = 384;
    return in;
}

TEST(MemoryEstimate, FullFineTuningHoldsWeightsGradientsAndTwoMoments) {
    const auto e = estimateMemory(inputs());
    const auto parameters = static_cast<std::int64_t>(model::parameterCount(qwen05Shape()));
    EXPECT_GT(parameters, 490'000'000);  // Qwen2.5-0.5B: 494M
    EXPECT_EQ(e.weights, 4 * parameters);
    EXPECT_EQ(e.gradients, 4 * parameters);
    EXPECT_EQ(e.optimizer, 8 * parameters);
    EXPECT_EQ(e.reference, 0);  // the reference cache
    EXPECT_EQ(e.total(), e.weights + e.gradients + e.optimizer + e.activations + e.logits + e.runtime);
    auto frozen = inputs();
    frozen.reference = "frozen";
    EXPECT_EQ(estimateMemory(frozen).reference, 4 * parameters);
}

TEST(MemoryEstimate, Bfloat16FullFineTuningAddsFloat32MasterWeightsAndHalvesActivations) {
    const auto parameters = static_cast<std::int64_t>(model::parameterCount(qwen05Shape()));
    auto in = inputs();
    in.reference = "frozen";
    const auto f32 = estimateMemory(in);
    in.bf16Weights = true;
    const auto bf16 = estimateMemory(in);
    EXPECT_EQ(bf16.weights, 2 * parameters);
    EXPECT_EQ(bf16.master, 4 * parameters);
    EXPECT_EQ(bf16.gradients, 4 * parameters);  // the master's
    EXPECT_EQ(bf16.optimizer, 8 * parameters);
    EXPECT_EQ(bf16.reference, 2 * parameters);  // a bfloat16 copy
    EXPECT_EQ(2 * bf16.activations, f32.activations);
    EXPECT_NE(bf16.text().find("master weights"), std::string::npos) << bf16.text();
    // LoRA on a bfloat16 base keeps no master: the base does not train.
    in.lora.rank = 16;
    EXPECT_EQ(estimateMemory(in).master, 0);
    EXPECT_EQ(estimateMemory(in).weights, 2 * parameters);
}

TEST(MemoryEstimate, EachOptionShrinksItsPart) {
    const auto full = estimateMemory(inputs());
    auto lora = inputs();
    lora.lora.rank = 16;
    lora.reference = "frozen";  // with LoRA: the adapter switched off, no copy
    const auto withLora = estimateMemory(lora);
    // r (in + out) for q, k, v, o, gate, up, down of 24 layers.
    const std::int64_t perLayer = 16 * ((896 + 896) + 2 * (896 + 128) + (896 + 896) +
                                        2 * (896 + 4864) + (4864 + 896));
    EXPECT_EQ(withLora.trainableParameters, 24 * perLayer);
    EXPECT_EQ(withLora.reference, 0);
    EXPECT_LT(withLora.optimizer, full.optimizer / 50);  // 1.8% of the weights train

    auto ckpt = lora;
    ckpt.gradientCheckpointing = true;
    EXPECT_LT(estimateMemory(ckpt).activations, withLora.activations / 4);
    auto chunked = ckpt;
    chunked.headChunkTokens = 110;
    EXPECT_LT(estimateMemory(chunked).logits, estimateMemory(ckpt).logits / 10);
    auto smaller = inputs();
    smaller.pairs = 2;
    EXPECT_LT(estimateMemory(smaller).activations, full.activations);
    // Rows of prompt + answer hold the prompt twice; packed rows are longer, which costs more
    // only where attention keeps its (T x T) probabilities.
    auto packed = inputs();
    packed.attentionKeepsProbabilities = false;
    auto padded = packed;
    padded.packedPairs = false;
    padded.prefixSharing = false;
    EXPECT_GT(estimateMemory(padded).activations, estimateMemory(packed).activations);
}

TEST(MemoryEstimate, ARunOverTheFreeMemoryIsToldWhatToChange) {
    const auto in = inputs();
    const auto e = estimateMemory(in);
    EXPECT_TRUE(memoryAdvice(e, e.total() + 1, in).empty());
    EXPECT_TRUE(memoryAdvice(e, -1, in).empty());  // unknown: no verdict
    const auto advice = memoryAdvice(e, e.total() / 2, in);
    EXPECT_NE(advice.find("gradient checkpointing"), std::string::npos) << advice;
    EXPECT_NE(advice.find("chunked logits head"), std::string::npos) << advice;
    EXPECT_NE(advice.find("LoRA"), std::string::npos) << advice;
    EXPECT_NE(advice.find("batch size"), std::string::npos) << advice;
    EXPECT_NE(advice.find(bytesText(e.total() / 2)), std::string::npos) << advice;
}

TEST(MemoryEstimate, ARunConfigGivesItsWorstCase) {
    RunConfig c;
    c.method = "sft";
    c.batchSize = 6;
    c.data.maxLength = 300;
    c.data.maxPromptLength = 100;
    c.lora.rank = 8;
    c.gradientCheckpointing = true;
    const auto in = memoryInputs(c, qwen05Shape());
    EXPECT_EQ(in.pairs, 6);
    EXPECT_EQ(in.promptTokens, 100);
    EXPECT_EQ(in.answerTokens, 200);
    EXPECT_FALSE(in.withRejected);
    EXPECT_EQ(in.lora.rank, 8);
    EXPECT_TRUE(in.gradientCheckpointing);
    EXPECT_GT(in.headChunkTokens, 0);  // auto: Qwen's vocabulary is large
    EXPECT_EQ(bytesText(std::int64_t{3} << 29), "1.5 GiB");
    EXPECT_EQ(bytesText(std::int64_t{5} << 20), "5 MiB");
}

TEST(MemoryEstimate, ACudaDevicesFreeMemoryIsReadFromItsDriverOrCappedForATest) {
    // No driver on a CPU machine: unknown; a driver's figure is positive. Either way the cap
    // bounds it, and the CPU's figure is the machine's.
    const auto read = availableDeviceMemory("cuda:0");
    EXPECT_TRUE(read == -1 || read > 0) << read;
    ::setenv("LADDER_GPU_MEMORY_LIMIT", "123456", 1);
    EXPECT_EQ(availableDeviceMemory("cuda"), 123456);
    EXPECT_EQ(availableDeviceMemory("cuda:1") <= 123456, true);
    EXPECT_NE(availableDeviceMemory("cpu"), 123456);
    ::unsetenv("LADDER_GPU_MEMORY_LIMIT");
    EXPECT_EQ(availableDeviceMemory("cpu") > 0, availableMemory() > 0);
}

}  // namespace
}  // namespace ladder::train
