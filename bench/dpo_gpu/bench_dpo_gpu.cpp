// bench_dpo_gpu: Ladder's DPO step (TrainStep) on a ~0.5B-parameter Llama-shaped model with the
// shape of Qwen2-0.5B (hidden 896, 24 layers, 14 heads, 2 key/value heads, MLP 4864, vocabulary
// 151,936, tied embeddings), random weights and tokens, bf16 autocast, on CUDA. Prints tokens/s and
// MFU = (6·N·policy tokens + 2·N·reference tokens + attention FLOPs) / time / peak bf16 FLOP/s.
// Attention FLOPs count causal attention as computed by a fused kernel (half of the T² products).
//
// usage: bench_dpo_gpu [--pairs P] [--seq T] [--steps S] [--peak-tflops 790] [--savings 0|1]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <torch/torch.h>

#include "core/model/causal_lm.h"
#include "core/train/batch.h"
#include "core/train/loss.h"
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

double run(const Args& a, bool savings, std::int64_t& params) {
    const torch::Device cuda(torch::kCUDA);
    torch::manual_seed(0);
    auto config = halfBillion();
    auto policy = model::buildModel(config, cuda, torch::kFloat);
    params = 0;
    for (const auto& p : policy->parameters()) params += p.numel();
    auto reference = model::cloneModel(*policy);
    reference->eval();
    std::shared_ptr<train::PreferenceLoss> loss = train::lossRegistry().create("dpo");
    loss->configure({{"beta", 0.1}});
    const train::ForwardOptions forward{.prefixSharing = savings, .bf16Autocast = true};
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
    const auto cached = train::referenceLogps(*reference, batch, forward);
    auto once = [&] {
        const auto ref = savings ? cached : train::referenceLogps(*reference, batch, forward);
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

    const double n = static_cast<double>(params);
    const double rows = 2.0 * a.pairs;
    const double answer = static_cast<double>(a.seq - prompt);
    // Tokens the policy computes: with prefix sharing each prompt once, else once per answer.
    const double policyTokens = savings ? a.pairs * prompt + rows * answer : rows * a.seq;
    const double referenceTokens = savings ? 0.0 : rows * a.seq;
    const double d = static_cast<double>(config.hiddenSize);
    const double layers = static_cast<double>(config.numLayers);
    // Causal attention, QK^T and AV: 2·T²·C per row and layer forward (half of 4·T²·C).
    const double attentionForward = 2.0 * a.seq * static_cast<double>(a.seq) * d * layers * rows;
    const double flops = 6.0 * n * policyTokens + 2.0 * n * referenceTokens +
                         3.0 * attentionForward + (savings ? 0.0 : attentionForward);
    const double mfu = flops / seconds / (a.peakTflops * 1e12);
    std::printf("  %-34s %8.1f ms/step  %9.0f tokens/s  %6.1f TFLOP/s  MFU %5.1f%%  loss %.4f\n",
                savings ? "reference cache + prefix sharing" : "equal work (frozen reference)",
                1000 * seconds, rows * a.seq / seconds, flops / seconds / 1e12, 100 * mfu, lossValue);
    return mfu;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    int savings = -1;  // both
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--pairs") a.pairs = std::atoll(argv[i + 1]);
        else if (k == "--seq") a.seq = std::atoll(argv[i + 1]);
        else if (k == "--steps") a.steps = std::atoll(argv[i + 1]);
        else if (k == "--peak-tflops") a.peakTflops = std::atof(argv[i + 1]);
        else if (k == "--savings") savings = std::atoi(argv[i + 1]);
        else {
            std::fprintf(stderr, "usage: %s [--pairs P] [--seq T] [--steps S] [--peak-tflops F] [--savings 0|1]\n", argv[0]);
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
        if (savings != 1) run(a, false, params);
        if (savings != 0) run(a, true, params);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_dpo_gpu: %s\n", e.what());
        return 1;
    }
    std::printf("  parameters N = %.1f M\n", static_cast<double>(params) / 1e6);
    return 0;
}
