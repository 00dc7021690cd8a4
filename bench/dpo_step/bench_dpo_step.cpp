// bench_dpo_step: the workload of shared/reference/dpo_reference.py (Llama-style, d 256, 4 layers,
// 4 heads, 256 tokens, 8 pairs, byte vocabulary, the first quarter of each sequence is prompt,
// AdamW, beta 0.1) through Ladder's TrainStep, next to the Python reference run in the same
// invocation from the same initial weights and batch (the script's --save-init file).
//
//   equal work:  frozen reference forward every step, prompt + answer rows (what the script does)
//   savings:     reference log-prob cache (one reference pass, then none) + prefix sharing
//
// Prints tokens/s of each, the ratios, the first- and second-step numbers of both programs (equal
// math), and GFLOP/s counted as 6·N·policy tokens + 2·N·reference tokens + attention.
//
// usage: bench_dpo_step [--steps N] [--threads N] [--python PATH] [--reference PATH] [--repeats R]
//                       [--profile PREFIX]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include "core/model/checkpoint.h"
#include "core/model/safetensors.h"
#include "core/train/batch.h"
#include "core/train/loss.h"
#include "core/train/train_step.h"

namespace {
namespace fs = std::filesystem;
using namespace ladder;

struct Options {
    int steps = 20;
    int threads = 2;
    int repeats = 1;
    std::string python = "/usr/bin/python3";
    std::string reference = std::string(LADDER_SHARED_DIR) + "/reference/dpo_reference.py";
    std::string profile;  // write a Chrome trace of one step of each Ladder mode to <profile>-{equal,savings}.json
};

struct Workload {
    std::int64_t pairs = 8, seq = 256, d = 256, layers = 4;
    std::int64_t params = 0;
    // FLOPs of one step as the script does it: 2P rows of T-1 tokens, policy fwd+bwd (6N per
    // token) and reference fwd (2N per token), plus attention's QK^T and AV (4·T²·d per row and
    // layer forward; x3 with the backward).
    [[nodiscard]] double flopsPerStep() const {
        const double tokens = static_cast<double>(2 * pairs * (seq - 1));
        const double attentionForward = 4.0 * static_cast<double>((seq - 1) * (seq - 1) * d) *
                                        static_cast<double>(layers) * static_cast<double>(2 * pairs);
        return 6.0 * params * tokens + 2.0 * params * tokens + 3.0 * attentionForward +
               attentionForward;
    }
    [[nodiscard]] std::int64_t tokensPerStep() const { return 2 * pairs * seq; }
};

std::map<std::string, std::string> runPython(const Options& o, const fs::path& init) {
    std::map<std::string, std::string> out;
    if (::access(o.python.c_str(), X_OK) != 0 || !fs::exists(o.reference)) return out;
    const std::string command = o.python + " " + o.reference + " --steps " +
                                std::to_string(o.steps) + " --threads " +
                                std::to_string(o.threads) + " --save-init " + init.string() +
                                " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return out;
    char buf[4096];
    std::string text;
    while (std::fgets(buf, sizeof buf, pipe)) text += buf;
    if (::pclose(pipe) != 0) {
        std::fprintf(stderr, "the Python reference failed:\n%s\n", text.c_str());
        return {};
    }
    // "key=value key=value" lines.
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t eq = text.find('=', pos);
        if (eq == std::string::npos) break;
        std::size_t keyStart = text.find_last_of(" \n", eq);
        keyStart = keyStart == std::string::npos || keyStart < pos ? pos : keyStart + 1;
        const std::size_t end = text.find_first_of(" \n", eq);
        out[text.substr(keyStart, eq - keyStart)] =
            text.substr(eq + 1, (end == std::string::npos ? text.size() : end) - eq - 1);
        pos = end == std::string::npos ? text.size() : end + 1;
    }
    return out;
}

// The script's batch as Ladder's: prompt = the first quarter (shared by a pair's two rows),
// chosen = rows 0..P-1's answers, rejected = rows P..2P-1's.
train::Batch makeBatch(const torch::Tensor& ids, const Workload& w) {
    const std::int64_t prompt = w.seq / 4;
    std::vector<train::TokenizedPair> pairs(static_cast<std::size_t>(w.pairs));
    auto row = [&](std::int64_t r, std::int64_t from, std::int64_t to) {
        auto t = ids[r].slice(0, from, to).contiguous();
        return std::vector<std::int64_t>(t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + t.numel());
    };
    std::vector<const train::TokenizedPair*> pointers;
    for (std::int64_t i = 0; i < w.pairs; ++i) {
        auto& p = pairs[static_cast<std::size_t>(i)];
        p.pairId = i;
        p.prompt = row(i, 0, prompt);
        p.chosen = row(i, prompt, w.seq);
        p.rejected = row(w.pairs + i, prompt, w.seq);
        pointers.push_back(&p);
    }
    return train::collate(pointers, true, 0, torch::kCPU);
}

struct LadderResult {
    double firstLoss = 0, firstLogpsChosen = 0, secondLoss = 0;
    double stepSeconds = 0;
    double oneTimeSeconds = 0;  // the reference cache's pass
};

LadderResult runLadder(const Options& o, const fs::path& init, const torch::Tensor& ids,
                       const Workload& w, bool savings) {
    torch::manual_seed(0);
    auto policy = model::buildModel(model::ModelConfig::referenceWorkload(), torch::kCPU, torch::kFloat);
    model::loadWeights(*policy, {init}, {.ignoreUnexpected = true});
    auto reference = model::cloneModel(*policy);
    reference->eval();
    std::shared_ptr<train::PreferenceLoss> loss = train::lossRegistry().create("dpo");
    loss->configure({{"beta", 0.1}});
    train::OptimizerSpec opt;  // lr 1e-4, betas 0.9/0.999, eps 1e-8, weight decay 0.01, clip 1.0
    train::TrainStep step(policy, loss, opt, {.prefixSharing = savings});
    const train::Batch batch = makeBatch(ids, w);

    LadderResult r;
    train::ReferenceLogps cached;
    if (savings) {
        const auto start = std::chrono::steady_clock::now();
        cached = train::referenceLogps(*reference, batch, {.prefixSharing = true});
        r.oneTimeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    auto once = [&] {
        const auto ref = savings ? cached : train::referenceLogps(*reference, batch, {.prefixSharing = false});
        return step.run({&batch}, {ref}, opt.lr);
    };
    const auto first = once();
    r.firstLoss = first.loss;
    double sum = 0;
    for (float v : first.policyChosen) sum += v;
    r.firstLogpsChosen = sum / static_cast<double>(first.policyChosen.size());
    r.secondLoss = once().loss;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < o.steps; ++i) once();
    r.stepSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
                    o.steps;
    if (!o.profile.empty()) {
        // LibTorch's profiler (perf is not available): bench/dpo_step/summarize_trace.py totals it.
        torch::autograd::profiler::RecordProfile guard(o.profile + (savings ? "-savings" : "-equal") +
                                                       ".json");
        once();
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--steps") o.steps = std::atoi(argv[i + 1]);
        else if (a == "--threads") o.threads = std::atoi(argv[i + 1]);
        else if (a == "--repeats") o.repeats = std::atoi(argv[i + 1]);
        else if (a == "--python") o.python = argv[i + 1];
        else if (a == "--reference") o.reference = argv[i + 1];
        else if (a == "--profile") o.profile = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: %s [--steps N] [--threads N] [--python PATH] [--reference PATH] [--repeats R] [--profile PREFIX]\n", argv[0]);
            return 2;
        }
    }
    torch::set_num_threads(o.threads);
    const fs::path init = fs::temp_directory_path() / ("ladder-dpo-init-" + std::to_string(::getpid()) + ".safetensors");
    Workload w;

    std::printf("DPO step benchmark: Llama d=256, 4 layers, 4 heads, 8 pairs x 256 tokens, byte vocab, "
                "%d steps, %d threads\n", o.steps, o.threads);
    double bestPython = 0, bestEqual = 1e30, bestSavings = 1e30, cachePass = 0;
    std::map<std::string, std::string> py;
    LadderResult equal, savings;
    for (int rep = 0; rep < o.repeats; ++rep) {
        auto p = runPython(o, init);
        if (p.empty()) {
            std::printf("Python reference: not run (needs %s with torch and %s)\n", o.python.c_str(),
                        o.reference.c_str());
            return 1;
        }
        py = p;
        bestPython = std::max(bestPython, std::atof(p["tokens_per_s"].c_str()));
        model::SafetensorsFile file(init);
        const auto ids = file.tensor("input_ids");
        w.params = std::atoll(p["params"].c_str());
        equal = runLadder(o, init, ids, w, false);
        savings = runLadder(o, init, ids, w, true);
        bestEqual = std::min(bestEqual, equal.stepSeconds);
        bestSavings = std::min(bestSavings, savings.stepSeconds);
        cachePass = savings.oneTimeSeconds;
    }
    fs::remove(init);

    const double tokens = static_cast<double>(w.tokensPerStep());
    const double flops = w.flopsPerStep();
    const double pyStep = tokens / bestPython;
    auto line = [&](const char* name, double stepSeconds) {
        std::printf("  %-38s %8.1f ms/step %8.0f tokens/s %7.1f GFLOP/s  ratio %.2f\n", name,
                    1000 * stepSeconds, tokens / stepSeconds, flops / stepSeconds / 1e9,
                    pyStep / stepSeconds);
    };
    std::printf("\nspeed (best of %d; GFLOP/s counts the script's work: 6N+2N per token + attention)\n",
                o.repeats);
    line("Python reference (dpo_reference.py)", pyStep);
    line("Ladder, equal work", bestEqual);
    line("Ladder, reference cache + prefix sharing", bestSavings);
    std::printf("  (the reference cache's one pass took %.1f ms, once per pair for a whole run)\n",
                1000 * cachePass);
    std::printf("\nequal math (same initial weights and batch)\n");
    std::printf("  %-28s %18s %18s %18s\n", "", "first-step loss", "first logps chosen", "second-step loss");
    std::printf("  %-28s %18s %18s %18s\n", "Python", py["first_step_loss"].c_str(),
                py["first_step_logps_chosen"].c_str(), py["second_step_loss"].c_str());
    for (const auto& [name, r] : {std::pair<const char*, LadderResult>{"Ladder, equal work", equal},
                                  {"Ladder, savings", savings}}) {
        std::printf("  %-28s %18.8f %18.6f %18.8f\n", name, r.firstLoss, r.firstLogpsChosen, r.secondLoss);
    }
    const double d1 = std::fabs(equal.firstLoss - std::atof(py["first_step_loss"].c_str()));
    const double d2 = std::fabs(equal.secondLoss - std::atof(py["second_step_loss"].c_str()));
    std::printf("  |difference| first-step loss %.2e, second-step loss %.2e (target < 1e-5)\n", d1, d2);
    std::printf("\nratio equal work %.2f (target >= 1.0), with savings %.2f (target >= 1.5)\n",
                pyStep / bestEqual, pyStep / bestSavings);
    return 0;
}
