// bench_dpo_memory: what a real model size costs. A Qwen2.5-0.5B-shaped model (its real
// config.json from ../shared, random weights; --layers to shorten it), 4 pairs x 512 tokens
// (prompt 128, each answer 384), DPO beta 0.1, AdamW, on the CPU, in four programs each in its own
// process (peak resident memory from wait4):
//
//   full          every weight trained; reference log-probs computed once before the steps (the
//                 reference cache: no second copy of the model)
//   lora          LoRA r 16, alpha 32, dropout 0.05, all-linear; the reference is the policy with
//                 its adapter off, every step; the whole (R, Ta, V) logits
//   lora+ckpt     the same with gradient checkpointing and the chunked logits head
//   cache         lora+ckpt with the reference log-probs computed once (the reference cache,
//                 a run's default)
//   TRL + PEFT    DPOTrainer with the same LoraConfig, gradient checkpointing on, the reference by
//                 disabling the adapter every step (trl_peft_peer.py, the oracle environment)
//
// Ladder's rows are packed pairs (its default). Prints peak memory, tokens/s, Ladder's memory
// estimate against each of its measured peaks, and the targets. A mode whose estimate is
// over the memory this machine has free is not run (the estimate says so, as a run would).
//
// usage: bench_dpo_memory [--steps N] [--threads N] [--layers N] [--modes full,lora,ckpt,trl,cache]
//                         [--trl-python PATH|none]
//
// Last run, all 24 layers (2026-12-04, the 2-core development machine, 2 threads, Debian's LibTorch
// 1.13 against torch 2.15 / transformers 5.24 / TRL 1.16 / PEFT 0.21, 912 s): full and LoRA without
// checkpointing not run (estimates 26.5 and 25.2 GiB over 22.6 GiB free); LoRA + checkpointing +
// chunked head 4,230 MiB peak, 24.8 tokens/s; with the reference cache 4,170 MiB, 32.2 tokens/s;
// TRL + PEFT 10,977 MiB, 23.1 tokens/s. Memory 0.39x (target <= 0.5: met), tokens/s 1.07x, 1.39x
// with the cache (target >= 1.5: not met). Estimate 3,682 MiB: 12-13% under the peaks.
// The same against PyPI's LibTorch 2.15 (build-pypi, its CPU kernels; 2026-12-05, same machine,
// modes ckpt,cache,trl, 636 s): LoRA + checkpointing + chunked head 5,941 MiB, 41.4 tokens/s; with
// the reference cache 6,009 MiB, 52.2 tokens/s; TRL + PEFT 11,285 MiB, 30.9 tokens/s: memory 0.53x,
// tokens/s 1.34x / 1.69x with the cache, estimate -41%. The extra memory was glibc's heap keeping
// freed blocks (core/common/heap.h: a fixed 1 MiB mmap threshold, which the workers, ladder-cli and
// the window now set). Again with it (643 s): 3,643 MiB, 35.7 tokens/s; with the cache 3,652 MiB,
// 44.0 tokens/s; TRL + PEFT 11,408 MiB, 34.1 tokens/s. Memory 0.32x (met), tokens/s 1.05x, 1.29x
// with the cache (not met), estimate 3,511 MiB: -4%.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <torch/torch.h>

#include "bench/bench_child.h"
#include "core/common/heap.h"
#include "core/model/checkpoint.h"
#include "core/model/lora.h"
#include "core/model/safetensors.h"
#include "core/train/batch.h"
#include "core/train/loss.h"
#include "core/train/memory_estimate.h"
#include "core/train/sequence_logps.h"
#include "core/train/train_step.h"

namespace {
namespace fs = std::filesystem;
using namespace ladder;
using bench::Child;
using bench::Values;
using bench::parseValues;
using bench::runChild;

constexpr std::int64_t kPairs = 4, kPrompt = 128, kAnswer = 384;

struct Options {
    int steps = 1;    // timed steps, after one untimed
    int threads = 2;
    int layers = 0;   // 0: the config's
    std::string modes = "full,lora,ckpt,trl,cache";
    std::string trlPython;
    std::string worker;
    std::string ids;
};

fs::path configPath() {
    return fs::path(LADDER_SHARED_DIR) / "data/models/Qwen2.5-0.5B-Instruct/config.json";
}

model::ModelConfig benchConfig(const Options& o) {
    auto c = model::readConfigJson(configPath());
    if (o.layers > 0) c.numLayers = o.layers;
    return c;
}


long rssKb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    }
    return 0;
}

model::LoraSpec benchLora() {
    model::LoraSpec s;
    s.rank = 16;
    s.alpha = 32;
    s.dropout = 0.05;
    s.targetModules = {"all-linear"};
    return s;
}

train::MemoryInputs inputsFor(const std::string& mode, const model::ModelConfig& config) {
    train::MemoryInputs in;
    in.model = config;
    in.pairs = kPairs;
    in.promptTokens = kPrompt;
    in.answerTokens = kAnswer;
    in.packedPairs = true;
    in.reference = "cache";
#if TORCH_VERSION_MAJOR >= 2
    in.attentionKeepsProbabilities = false;
#endif
    if (mode != "full") in.lora = benchLora();
    if (mode == "ckpt" || mode == "cache") {
        in.gradientCheckpointing = true;
        in.headChunkTokens = train::headChunkTokens("chunked", config.vocabSize);
    }
    return in;
}

train::Batch benchBatch(const std::string& idsFile) {
    const model::SafetensorsFile file(idsFile);
    const auto prompt = file.tensor("prompt"), chosen = file.tensor("chosen"), rejected = file.tensor("rejected");
    std::vector<train::TokenizedPair> pairs(kPairs);
    std::vector<const train::TokenizedPair*> pointers;
    const auto row = [](const torch::Tensor& t, std::int64_t i) {
        const auto r = t[i].contiguous();
        return std::vector<std::int64_t>(r.data_ptr<std::int64_t>(), r.data_ptr<std::int64_t>() + r.numel());
    };
    for (std::int64_t i = 0; i < kPairs; ++i) {
        pairs[i] = {i, "t", false, row(prompt, i), row(chosen, i), row(rejected, i)};
        pointers.push_back(&pairs[i]);
    }
    return train::collate(pointers, true, 0, torch::kCPU);
}

int runWorker(const Options& o) {
    torch::set_num_threads(o.threads);
    const long baseKb = rssKb();
    const auto config = benchConfig(o);
    torch::manual_seed(0);
    auto policy = model::buildModel(config, torch::kCPU, torch::kFloat);
    const train::Batch batch = benchBatch(o.ids);
    const auto in = inputsFor(o.worker, config);
    if (in.lora.enabled()) model::attachLora(*policy, in.lora);
    policy->setGradientCheckpointing(in.gradientCheckpointing);
    train::ForwardOptions forward;
    forward.packedPairs = true;
    forward.headChunkTokens = in.headChunkTokens;
    auto loss = train::lossRegistry().create("dpo");
    loss->configure({{"beta", 0.1}});
    train::OptimizerSpec opt;
    opt.lr = 1e-5;
    train::TrainStep step(policy, std::shared_ptr<const train::PreferenceLoss>(std::move(loss)), opt, forward);
    // The full and cache modes: log-probs computed once before the steps (the reference cache,
    // a run's default: one reference pass a pair for the whole run). The LoRA modes: the policy
    // with its adapter off, every step, as PEFT's reference.
    const bool everyStep = o.worker == "lora" || o.worker == "ckpt";
    train::ReferenceLogps cached;
    if (!everyStep) {
        const model::LoraOff off(*policy);
        cached = train::referenceLogps(*policy, batch, forward);
    }
    const auto once = [&] {
        train::ReferenceLogps ref = cached;
        if (everyStep) {
            const model::LoraOff off(*policy);
            ref = train::referenceLogps(*policy, batch, forward);
        }
        return step.run({&batch}, {ref}, opt.lr);
    };
    const auto first = once();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < o.steps; ++i) once();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / o.steps;
    const auto estimate = train::estimateMemory(in);
    std::printf("first_loss=%.6f step_ms=%.0f tokens_per_s=%.1f base_rss_kb=%ld estimate_bytes=%lld "
                "trainable=%lld\n",
                first.loss, 1000 * seconds,
                static_cast<double>(kPairs * (kPrompt + 2 * kAnswer)) / seconds,
                baseKb, static_cast<long long>(estimate.total()),
                static_cast<long long>(estimate.trainableParameters));
    std::printf("estimate_text=%s\n", [&] {
        std::string t = estimate.text();
        std::replace(t.begin(), t.end(), ' ', '_');
        return t;
    }().c_str());
    return 0;
}


struct Column {
    std::string name, mode, missing;
    long peakKb = 0;
    Values values;
};

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; i += 2) {
        const std::string a = i + 1 < argc ? argv[i] : "";
        if (a == "--steps") o.steps = std::atoi(argv[i + 1]);
        else if (a == "--threads") o.threads = std::atoi(argv[i + 1]);
        else if (a == "--layers") o.layers = std::atoi(argv[i + 1]);
        else if (a == "--modes") o.modes = argv[i + 1];
        else if (a == "--trl-python") o.trlPython = argv[i + 1];
        else if (a == "--worker") o.worker = argv[i + 1];
        else if (a == "--ids") o.ids = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: %s [--steps N] [--threads N] [--layers N] "
                                 "[--modes full,lora,ckpt,trl,cache] [--trl-python PATH|none]\n", argv[0]);
            return a == "--help" ? 0 : 2;
        }
    }
    if (o.steps < 1 || o.threads < 1 || o.layers < 0) {
        std::fprintf(stderr, "--steps and --threads take numbers >= 1, --layers >= 0\n");
        return 2;
    }
    if (!fs::exists(configPath())) {
        std::printf("bench_dpo_memory: skipped: %s is missing (../shared beside the checkout)\n",
                    configPath().c_str());
        return 0;
    }
    try {
        if (!o.worker.empty()) {
            heap::returnLargeBlocks();  // as ladder-cli and the window do
            return runWorker(o);
        }
        const auto config = benchConfig(o);
        // The batch, written once for every program: random ids, fixed seed.
        const fs::path ids = fs::temp_directory_path() / ("ladder-dpo-memory-" + std::to_string(::getpid()) + ".safetensors");
        torch::manual_seed(1);
        const auto draw = [&](std::int64_t n) { return torch::randint(3, config.vocabSize - 1, {kPairs, n}, torch::kLong); };
        model::writeSafetensors(ids, {{"prompt", draw(kPrompt)}, {"chosen", draw(kAnswer)}, {"rejected", draw(kAnswer)}});
        std::printf("DPO memory benchmark: Qwen2.5-0.5B shape (C %lld, %lld layers, V %lld, %.0fM "
                    "parameters), %lld pairs x %lld tokens (prompt %lld), %d timed step(s) after one, "
                    "%d threads, LibTorch %s\n",
                    static_cast<long long>(config.hiddenSize), static_cast<long long>(config.numLayers),
                    static_cast<long long>(config.vocabSize), model::parameterCount(config) / 1e6,
                    static_cast<long long>(kPairs), static_cast<long long>(kPrompt + kAnswer),
                    static_cast<long long>(kPrompt), o.steps, o.threads, TORCH_VERSION);
        std::vector<Column> columns = {{"Ladder full fine-tuning", "full"},
                                       {"Ladder LoRA r=16", "lora"},
                                       {"Ladder LoRA + checkpointing + chunked head", "ckpt"},
                                       {"TRL + PEFT (LoRA r=16, checkpointing)", "trl"},
                                       {"Ladder LoRA + ckpt + chunked, reference cache", "cache"}};
        const auto free = train::availableMemory();
        for (auto& c : columns) {
            if (o.modes.find(c.mode) == std::string::npos) {
                c.missing = "not asked for (--modes)";
                continue;
            }
            Child child;
            if (c.mode == "trl") {
                const auto [python, why] = bench::oraclePython(o.trlPython, LADDER_SOURCE_DIR);
                if (python.empty()) {
                    c.missing = why;
                    continue;
                }
                std::fprintf(stderr, "%s...\n", c.name.c_str());
                child = runChild({python, std::string(LADDER_SOURCE_DIR) + "/bench/dpo_memory/trl_peft_peer.py",
                                  "--config", configPath().string(), "--ids", ids.string(),
                                  "--layers", std::to_string(config.numLayers), "--steps",
                                  std::to_string(o.steps), "--threads", std::to_string(o.threads)});
            } else {
                const auto estimate = train::estimateMemory(inputsFor(c.mode, config));
                if (free > 0 && estimate.total() > free) {
                    c.missing = "the estimate, " + estimate.text() + ", is over the " +
                                train::bytesText(free) + " free here";
                    continue;
                }
                std::fprintf(stderr, "%s...\n", c.name.c_str());
                child = runChild({bench::selfPath("bench_dpo_memory"), "--worker", c.mode, "--ids", ids.string(), "--steps",
                                  std::to_string(o.steps), "--threads", std::to_string(o.threads),
                                  "--layers", std::to_string(config.numLayers)});
            }
            c.values = parseValues(child.output);
            c.peakKb = child.peakKb;
            if (child.status != 0 || !c.values.count("step_ms")) {
                c.missing = c.values.count("skip") ? c.values["skip"]
                                                   : "exit " + std::to_string(child.status) + ": " +
                                                         child.output.substr(child.output.size() > 800 ? child.output.size() - 800 : 0);
            }
        }
        fs::remove(ids);

        std::printf("\n  %-46s %10s %10s %10s %12s %8s\n", "", "peak MiB", "tokens/s", "s/step",
                    "estimate MiB", "error");
        const Column& trl = columns[3];
        for (const auto& c : columns) {
            if (!c.missing.empty()) {
                std::printf("  %-46s not run: %s\n", c.name.c_str(), c.missing.c_str());
                continue;
            }
            const double peak = c.peakKb / 1024.0;
            std::printf("  %-46s %10.0f %10.1f %10.1f", c.name.c_str(), peak,
                        std::atof(c.values.at("tokens_per_s").c_str()),
                        std::atof(c.values.at("step_ms").c_str()) / 1000);
            if (c.values.count("estimate_bytes")) {
                const double estimate = std::atof(c.values.at("estimate_bytes").c_str()) / (1 << 20);
                std::printf(" %12.0f %+7.0f%%", estimate, 100.0 * (estimate - peak) / peak);
            }
            std::printf("\n");
        }
        for (const auto& c : columns) {
            if (c.missing.empty() && c.values.count("estimate_text")) {
                std::string t = c.values.at("estimate_text");
                std::replace(t.begin(), t.end(), '_', ' ');
                std::printf("  estimate, %s: %s\n", c.name.c_str(), t.c_str());
            }
        }
        const Column& best = columns[2];
        if (best.missing.empty() && trl.missing.empty()) {
            const double memory = static_cast<double>(best.peakKb) / static_cast<double>(trl.peakKb);
            const double speed = std::atof(best.values.at("tokens_per_s").c_str()) /
                                 std::atof(trl.values.at("tokens_per_s").c_str());
            std::printf("\ntargets (LoRA + checkpointing + chunked head against TRL + PEFT): peak "
                        "memory %.2fx (target <= 0.50: %s), tokens/s %.2fx (target >= 1.5: %s)\n",
                        memory, memory <= 0.5 ? "met" : "NOT met", speed, speed >= 1.5 ? "met" : "NOT met");
            const Column& cache = columns[4];
            if (cache.missing.empty()) {
                const double m = static_cast<double>(cache.peakKb) / static_cast<double>(trl.peakKb);
                const double v = std::atof(cache.values.at("tokens_per_s").c_str()) /
                                 std::atof(trl.values.at("tokens_per_s").c_str());
                std::printf("  with the reference cache (Ladder's default; TRL's "
                            "precompute_ref_log_probs off, its default): peak memory %.2fx (%s), "
                            "tokens/s %.2fx (%s)\n",
                            m, m <= 0.5 ? "met" : "NOT met", v, v >= 1.5 ? "met" : "NOT met");
            }
            if (trl.values.count("versions")) std::printf("  (%s)\n", trl.values.at("versions").c_str());
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_dpo_memory: %s\n", e.what());
        return 1;
    }
}
