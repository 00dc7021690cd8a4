// model_bench: tokens/s of a DPO-shaped step (frozen reference forward, policy forward + backward
// of chosen and rejected log-probs) on the workload of shared/reference/dpo_reference.py, with the
// answers concatenated to their prompts (as the script does) and with the prompt shared through
// the KV cache. Prints figures; compare with the script's tokens_per_s on the same machine.
//
// usage: model_bench [--steps N] [--threads N] [--tiny]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include <torch/torch.h>

#include "core/model/causal_lm.h"

namespace {

using ladder::model::CausalLM;
using ladder::model::KvCache;

constexpr std::int64_t kPairs = 8;
constexpr std::int64_t kSeq = 256;

// Summed log-probs of ids[:, 1:] where mask[:, 1:] (rows of the concatenated batch).
torch::Tensor concatenatedLogps(const CausalLM& model, const torch::Tensor& ids,
                                const torch::Tensor& mask) {
    const auto t = ids.size(1);
    const auto logits = model->forward({ids.narrow(1, 0, t - 1)});  // (2P, T-1, V)
    const auto logps = logits.log_softmax(-1).gather(2, ids.narrow(1, 1, t - 1).unsqueeze(2));
    return (logps.squeeze(2) * mask.narrow(1, 1, t - 1)).sum(-1);  // (2P)
}

// The same with each pair's prompt computed once and shared by its two answers.
torch::Tensor sharedLogps(const CausalLM& model, const torch::Tensor& ids) {
    const auto prompt = kSeq / 4, answer = kSeq - prompt;
    const auto rows = torch::cat({torch::arange(kPairs), torch::arange(kPairs)});  // (2P)
    KvCache cache;
    const auto promptHidden = model->hidden(
        {ids.narrow(0, 0, kPairs).narrow(1, 0, prompt), {}, {}, &cache});  // (P, T/4, C)
    KvCache answerCache = cache.indexSelect(rows);
    const auto answers = ids.narrow(1, prompt, answer);  // (2P, 3T/4)
    const auto answerHidden =
        model->hidden({answers.narrow(1, 0, answer - 1), {}, {}, &answerCache});  // (2P, 3T/4-1, C)
    const auto last = promptHidden.select(1, prompt - 1).index_select(0, rows).unsqueeze(1);
    const auto logits = model->logits(torch::cat({last, answerHidden}, 1));  // (2P, 3T/4, V)
    return logits.log_softmax(-1).gather(2, answers.unsqueeze(2)).squeeze(2).sum(-1);  // (2P)
}

template <typename F>
double tokensPerSecond(int steps, F&& step) {
    step();  // warm-up
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; ++i) step();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return static_cast<double>(2 * kPairs * kSeq * steps) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
    int steps = 5;
    int threads = 2;
    bool tiny = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--steps") && i + 1 < argc)
            steps = std::stoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = std::stoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--tiny"))
            tiny = true;
        else {
            std::fprintf(!std::strcmp(argv[i], "--help") ? stdout : stderr,
                         "usage: %s [--steps N] [--threads N] [--tiny]\n", argv[0]);
            return std::strcmp(argv[i], "--help") ? 2 : 0;
        }
    }
    torch::set_num_threads(threads);
    torch::manual_seed(0);
    const auto config =
        tiny ? ladder::model::ModelConfig::tiny() : ladder::model::ModelConfig::referenceWorkload();
    const CausalLM policy = ladder::model::buildModel(config, torch::kCPU, torch::kFloat);
    const CausalLM reference = ladder::model::buildModel(config, torch::kCPU, torch::kFloat);
    auto ids = torch::randint(0, config.vocabSize, {2 * kPairs, kSeq}, torch::kLong);
    ids.narrow(0, kPairs, kPairs)
        .narrow(1, 0, kSeq / 4)
        .copy_(ids.narrow(0, 0, kPairs).narrow(1, 0, kSeq / 4));
    auto mask = torch::ones({2 * kPairs, kSeq});
    mask.narrow(1, 0, kSeq / 4).zero_();

    const double concatenated = tokensPerSecond(steps, [&] {
        {
            torch::NoGradGuard noGrad;
            (void)concatenatedLogps(reference, ids, mask);
        }
        concatenatedLogps(policy, ids, mask).sum().backward();
        policy->zero_grad();
    });
    const double shared = tokensPerSecond(steps, [&] {
        {
            torch::NoGradGuard noGrad;
            (void)sharedLogps(reference, ids);
        }
        sharedLogps(policy, ids).sum().backward();
        policy->zero_grad();
    });
    std::printf("model_bench %s (C %lld, %lld layers), %d threads, %lld x %lld tokens, %d steps\n",
                tiny ? "tiny" : "reference workload", static_cast<long long>(config.hiddenSize),
                static_cast<long long>(config.numLayers), threads,
                static_cast<long long>(2 * kPairs), static_cast<long long>(kSeq), steps);
    std::printf("concatenated tokens_per_s=%.0f\n", concatenated);
    std::printf("prefix_shared tokens_per_s=%.0f\n", shared);
    return 0;
}
