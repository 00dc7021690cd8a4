// bench_generate: tokens/s of generateAnswers (the path of generate-source and eval) at batch 1 and
// at batch B on the CPU, for a Llama-shaped model of about 17M parameters (hidden 384, 8 layers,
// 6 heads, 2 key/value heads, MLP 1536, the byte tokenizer's 259 ids, random weights, float32).
// The same prompts (of different lengths, chat template chatml) are answered greedily both ways;
// the answers must be the same, and the bench says whether they are. Tokens are the generated
// ones (a row that stops early at EOS counts only what it wrote).
//
// The ratio grows with the answers' length: the prompts' prefill (byte tokens: 60 to 230 of them
// here) is the same work either way, while the decode steps, which batching speeds up, are one per
// new token. 128 new bytes is about 30 tokens of a real BPE vocabulary, short for an answer.
// Last run (2026-12-04, this 2-core development machine, 1 thread, float32): 128 new tokens:
// batch 1 99.3 tokens/s, batch 8 337.0, 3.39x; 64 new tokens: 89.3 and 256.5, 2.87x. Answers the
// same both times.
//
// usage: bench_generate [batch 8] [prompts 32] [max new tokens 128] [threads 0 = LibTorch's default]
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "bench/bench_args.h"
#include "core/eval/answer_generation.h"
#include "core/model/causal_lm.h"
#include "core/model/model_config.h"
#include "core/tokenizer/byte_tokenizer.h"

namespace {
using namespace ladder;

struct Timing {
    double seconds = 0;
    std::int64_t tokens = 0;
    std::vector<eval::GeneratedAnswer> answers;
};

Timing timed(model::CausalLMImpl& model, const tokenizer::Tokenizer& tokenizer,
             const std::vector<eval::Instruction>& prompts, int batch, std::int64_t maxNew) {
    eval::AnswerOptions options;
    options.templateSetting = "chatml";
    options.maxNewTokens = maxNew;
    options.batchSize = batch;
    Timing t;
    const auto start = std::chrono::steady_clock::now();
    t.answers = eval::generateAnswers(model, tokenizer, prompts, options);
    t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& a : t.answers) t.tokens += static_cast<std::int64_t>(a.tokens.size());
    return t;
}

}  // namespace

int main(int argc, char** argv) {
    const bench::PositionalArgs args(argc, argv,
                                     "[batch 8] [prompts 32] [max new tokens 128] [threads]", 4);
    const int batch = args.integer(1, 8, 2, 256);
    const int count = args.integer(2, 32, 1, 100000);
    const auto maxNew = static_cast<std::int64_t>(args.integer(3, 128, 1, 4096));
    const int threads = args.integer(4, 0, 0, 1024);
    if (threads > 0) torch::set_num_threads(threads);

    model::ModelConfig config = model::ModelConfig::tiny();
    config.hiddenSize = 384;
    config.numLayers = 8;
    config.numHeads = 6;
    config.numKvHeads = 2;
    config.intermediateSize = 1536;
    torch::manual_seed(0);
    auto model = model::buildModel(config, torch::kCPU, torch::kFloat);
    model->eval();
    const tokenizer::ByteTokenizer tokenizer;

    std::vector<eval::Instruction> prompts;
    for (int i = 0; i < count; ++i) {
        std::string text = "Question " + std::to_string(i) + ":";
        for (int w = 0; w < 4 + (i * 7) % 23; ++w) text += " word" + std::to_string((i + w) % 13);
        prompts.push_back({text, "", {}});
    }

    std::printf("bench_generate: %.1fM parameters, %d prompts, up to %lld new tokens, greedy, "
                "%d threads\n",
                model::parameterCount(config) / 1e6, count, static_cast<long long>(maxNew),
                torch::get_num_threads());
    (void)timed(*model, tokenizer, {prompts.front()}, 1, 8);  // warm-up
    const Timing one = timed(*model, tokenizer, prompts, 1, maxNew);
    const Timing many = timed(*model, tokenizer, prompts, batch, maxNew);
    const double oneRate = static_cast<double>(one.tokens) / one.seconds;
    const double manyRate = static_cast<double>(many.tokens) / many.seconds;
    std::printf("  batch %3d  %7.2f s  %7lld tokens  %8.1f tokens/s\n", 1, one.seconds,
                static_cast<long long>(one.tokens), oneRate);
    std::printf("  batch %3d  %7.2f s  %7lld tokens  %8.1f tokens/s\n", batch, many.seconds,
                static_cast<long long>(many.tokens), manyRate);
    bool same = one.answers.size() == many.answers.size();
    for (std::size_t i = 0; same && i < one.answers.size(); ++i) {
        same = one.answers[i].tokens == many.answers[i].tokens;
    }
    std::printf("  batch %d / batch 1: %.2fx tokens/s (target >= 3x); answers the same: %s\n", batch,
                manyRate / oneRate, same ? "yes" : "NO");
    return same ? 0 : 1;
}
