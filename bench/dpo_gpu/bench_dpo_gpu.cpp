// bench_dpo_gpu: Ladder's DPO step (TrainStep) on a ~0.5B-parameter Llama-shaped model with the
// shape of Qwen2-0.5B (hidden 896, 24 layers, 14 heads, 2 key/value heads, MLP 4864, vocabulary
// 151,936, tied embeddings), random weights and tokens, bf16 autocast, on CUDA. Prints tokens/s and
// MFU = (6·N·policy tokens + 2·N·reference tokens + attention FLOPs) / time / peak bf16 FLOP/s.
// Attention FLOPs count causal attention as computed by a fused kernel (half of the T² products).
//
// Four modes: the equal work of a frozen reference; the reference cache and prefix sharing; LoRA
// r=16 on a bfloat16 base (reference = adapters off, every step); and LoRA with gradient
// checkpointing, packed pairs and the chunked LM head. Each prints the CUDA allocator's peak and
// the memory estimate's figure (launcher, train --dry-run) for the same setting.
//
// usage: bench_dpo_gpu [--pairs P] [--seq T] [--steps S] [--peak-tflops 790] [--mode 0-3]
//
// Last run (2026-12-04, one NVIDIA H200, PyTorch 2.11.0+cu130's LibTorch, scripts/gpu-check.sh),
// 8 pairs x 1024 tokens, N = 494.0 M:
//   equal work (frozen reference)      314.8 ms/step  52,040 tok/s  MFU 27.2%  peak 59.75 GiB  est. +19%
//   reference cache + prefix sharing   276.8 ms/step  59,181 tok/s  MFU 20.4%  peak 57.86 GiB  est. +11%
//   LoRA r=16, bf16 base               511.8 ms/step  32,010 tok/s  MFU 11.2%  peak 60.64 GiB  est. -21%
//   LoRA r=16 + ckpt + chunked head    600.0 ms/step  27,309 tok/s  MFU 12.7%  peak  3.87 GiB  est. -15%
// LoRA's reference is the policy with its adapters off, run every step (no cache in this bench),
// which is why its tokens/s trail the full fine-tune's; its optimizer and gradients are tiny, but
// without checkpointing the activations of 8 x 1024 tokens through 24 layers dominate the peak.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <torch/torch.h>
#ifdef LADDER_CUDA_ALLOCATOR_STATS
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include "core/model/causal_lm.h"
#include "core/model/lora.h"
#include "core/train/batch.h"
#include "core/train/loss.h"
#include "core/train/memory_estimate.h"
#include "core/train/train_step.h"

namespace {
using namespace ladder;

model::ModelConfig halfBillion() {
    model::ModelConfig c;
    c.family = model::ModelFamily::Llama;
    c.modelType = "qwen2";
    c.vocabSize = 151936;
    c.hiddenSize = 896;
    c.numLayers = 24;
    c.numHeads = 14;
    c.numKvHeads = 2;
    c.intermediateSize = 4864;
    c.maxPositionEmbeddings = 32768;
    c.ropeTheta = 1000000.0;
    c.normEps = 1e-6;
    c.tieWordEmbeddings = true;
    c.attentionBias = true;
    return c;
}

struct Args {
    std::int64_t pairs = 8, seq = 1024, steps = 10;
    double peakTflops = 790;
};

// One way to train, as a run config would set it.
struct Mode {
    std::string name;
    bool cachedReference = false;  // the reference's log-probs computed once (a run's default)
    bool prefixSharing = false;    // one prompt forward for a pair's two answers
    int loraRank = 0;              // LoRA r=16 on every linear layer, the base in bfloat16
    bool lean = false;             // + gradient checkpointing, packed pairs, the chunked head
};

const std::vector<Mode>& modes() {
    static const std::vector<Mode> m = {
        {"equal work (frozen reference)", false, false, 0, false},
        {"reference cache + prefix sharing", true, true, 0, false},
        {"LoRA r=16, bf16 base", false, true, 16, false},
        {"LoRA r=16 + ckpt + chunked head", false, false, 16, true},
    };
    return m;
}

// Peak bytes the CUDA caching allocator handed out since the last reset (0 without its library).
std::int64_t peakCudaBytes() {
#ifdef LADDER_CUDA_ALLOCATOR_STATS
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(0);
    return stats.allocated_bytes[0].peak;  // StatType::AGGREGATE
#else
    return 0;
#endif
}

void resetCudaPeak() {
#ifdef LADDER_CUDA_ALLOCATOR_STATS
    // The caching allocator is set up by the first CUDA allocation; its statistics before that
    // throw "Invalid device argument".
    (void)torch::empty({1}, torch::Device(torch::kCUDA));
    c10::cuda::CUDACachingAllocator::emptyCache();
    c10::cuda::CUDACachingAllocator::resetPeakStats(0);
#endif
}

double run(const Args& a, const Mode& mode, std::int64_t& params) {
    const torch::Device cuda(torch::kCUDA);
    resetCudaPeak();
    torch::manual_seed(0);
    auto config = halfBillion();
    auto policy = model::buildModel(config, cuda, torch::kFloat);
    params = 0;
    for (const auto& p : policy->parameters()) params += p.numel();
    // A full fine-tune keeps a frozen copy as its reference; LoRA switches its adapters off.
    model::CausalLM reference{nullptr};
    if (mode.loraRank > 0) {
        policy->to(torch::kBFloat16);  // the frozen base, as a run with dtype bfloat16
        model::LoraSpec lora;
        lora.rank = mode.loraRank;
        lora.alpha = 2.0 * mode.loraRank;
        lora.dropout = 0.05;
        model::attachLora(*policy, lora);
    } else {
        reference = model::cloneModel(*policy);
        reference->eval();
    }
    policy->setGradientCheckpointing(mode.lean);
    std::shared_ptr<train::PreferenceLoss> loss = train::lossRegistry().create("dpo");
    loss->configure({{"beta", 0.1}});
    train::ForwardOptions forward;
    forward.prefixSharing = mode.prefixSharing;
    forward.packedPairs = mode.lean;
    forward.bf16Autocast = mode.loraRank == 0;  // LoRA: the base is bfloat16 itself
    forward.headChunkTokens = mode.lean ? train::headChunkTokens("chunked", config.vocabSize) : 0;
    train::TrainStep step(policy, loss, train::OptimizerSpec{}, forward);

    // Random pairs: a quarter of each sequence is the prompt shared by chosen and rejected.
    const std::int64_t prompt = a.seq / 4;
    std::vector<train::TokenizedPair> pairs(static_cast<std::size_t>(a.pairs));
    auto ids = torch::randint(0, config.vocabSize, {3 * a.pairs, a.seq}, torch::kLong);
    auto take = [&](std::int64_t r, std::int64_t from, std::int64_t to) {
        auto t = ids[r].slice(0, from, to).contiguous();
        return std::vector<std::int64_t>(t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + t.numel());
    };
    std::vector<const train::TokenizedPair*> pointers;
    for (std::int64_t i = 0; i < a.pairs; ++i) {
        auto& p = pairs[static_cast<std::size_t>(i)];
        p.prompt = take(i, 0, prompt);
        p.chosen = take(a.pairs + i, prompt, a.seq);
        p.rejected = take(2 * a.pairs + i, prompt, a.seq);
        pointers.push_back(&p);
    }
    const train::Batch batch = train::collate(pointers, true, 0, cuda);
    auto referencePass = [&] {
        if (reference) return train::referenceLogps(*reference, batch, forward);
        const model::LoraOff off(*policy);
        return train::referenceLogps(*policy, batch, forward);
    };
    const auto cached = referencePass();
    auto once = [&] {
        const auto ref = mode.cachedReference ? cached : referencePass();
        return step.run({&batch}, {ref}, 1e-5);
    };
    once();
    once();
    torch::cuda::synchronize();
    const auto start = std::chrono::steady_clock::now();
    double lossValue = 0;
    for (std::int64_t i = 0; i < a.steps; ++i) lossValue = once().loss;
    torch::cuda::synchronize();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / a.steps;
    const double peakGiB = static_cast<double>(peakCudaBytes()) / (1024.0 * 1024 * 1024);

    // What the memory estimate (launcher, train --dry-run) says for this setting, without the
    // process's own share (a CPU figure).
    train::MemoryInputs in;
    in.model = config;
    in.pairs = a.pairs;
    in.promptTokens = prompt;
    in.answerTokens = a.seq - prompt;
    in.packedPairs = mode.lean;
    in.prefixSharing = mode.prefixSharing;
    in.reference = mode.loraRank > 0 ? "none" : mode.cachedReference ? "cache" : "frozen";
    in.attentionKeepsProbabilities = false;
    in.gradientCheckpointing = mode.lean;
    in.headChunkTokens = forward.headChunkTokens;
    if (mode.loraRank > 0) {
        in.lora.rank = mode.loraRank;
        in.lora.alpha = 2.0 * mode.loraRank;
        in.bf16Weights = true;
    }
    const auto estimate = train::estimateMemory(in);
    const double estimateGiB =
        static_cast<double>(estimate.total() - estimate.runtime) / (1024.0 * 1024 * 1024);

    const double n = static_cast<double>(params);
    const double rows = 2.0 * a.pairs;
    const double answer = static_cast<double>(a.seq - prompt);
    // Tokens the policy computes: with prefix sharing or packing each prompt once, else once per
    // answer; the reference likewise, every step unless cached. LoRA's backward pass computes no
    // weight gradients of the base (4·N instead of 6·N), checkpointing one more forward (+2·N).
    const bool promptOnce = mode.prefixSharing || mode.lean;
    const double policyTokens = promptOnce ? a.pairs * prompt + rows * answer : rows * a.seq;
    const double referenceTokens = mode.cachedReference ? 0.0 : policyTokens;
    const double trainFactor = (mode.loraRank > 0 ? 4.0 : 6.0) + (mode.lean ? 2.0 : 0.0);
    const double d = static_cast<double>(config.hiddenSize);
    const double layers = static_cast<double>(config.numLayers);
    // Causal attention, QK^T and AV: 2·T²·C per row and layer forward (half of 4·T²·C).
    const double attentionForward = 2.0 * a.seq * static_cast<double>(a.seq) * d * layers * rows;
    const double flops = trainFactor * n * policyTokens + 2.0 * n * referenceTokens +
                         (3.0 + (mode.lean ? 1.0 : 0.0)) * attentionForward +
                         (mode.cachedReference ? 0.0 : attentionForward);
    const double mfu = flops / seconds / (a.peakTflops * 1e12);
    std::printf("  %-34s %8.1f ms/step %9.0f tokens/s %6.1f TFLOP/s  MFU %5.1f%%  peak %6.2f GiB  "
                "estimate %6.2f GiB (%+.0f%%)  loss %.4f\n",
                mode.name.c_str(), 1000 * seconds, rows * a.seq / seconds, flops / seconds / 1e12,
                100 * mfu, peakGiB, estimateGiB, 100 * (estimateGiB / peakGiB - 1), lossValue);
    std::fflush(stdout);
    return mfu;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    std::string only;  // every mode
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--pairs") a.pairs = std::atoll(argv[i + 1]);
        else if (k == "--seq") a.seq = std::atoll(argv[i + 1]);
        else if (k == "--steps") a.steps = std::atoll(argv[i + 1]);
        else if (k == "--peak-tflops") a.peakTflops = std::atof(argv[i + 1]);
        else if (k == "--mode") only = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: %s [--pairs P] [--seq T] [--steps S] [--peak-tflops F] [--mode 0-3]\n", argv[0]);
            return 2;
        }
    }
    if (!torch::cuda::is_available()) {
        std::printf("bench_dpo_gpu: no CUDA device (this LibTorch: CUDA %s): nothing to measure\n",
                    torch::cuda::is_available() ? "yes" : "no");
        return 0;
    }
    std::int64_t params = 0;
    std::printf("DPO step, Qwen2-0.5B-shaped Llama, %lld pairs x %lld tokens, bf16 autocast, "
                "peak %.0f TFLOP/s\n", static_cast<long long>(a.pairs), static_cast<long long>(a.seq),
                a.peakTflops);
    try {
        for (std::size_t m = 0; m < modes().size(); ++m) {
            if (only.empty() || only == std::to_string(m)) run(a, modes()[m], params);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_dpo_gpu: %s\n", e.what());
        return 1;
    }
    std::printf("  parameters N = %.1f M\n", static_cast<double>(params) / 1e6);
    return 0;
}
