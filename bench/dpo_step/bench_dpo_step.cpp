// bench_dpo_step: the workload of shared/reference/dpo_reference.py (Llama-style, d 256, 4 layers,
// 4 heads, 256 tokens, 8 pairs, byte vocabulary, the first quarter of each sequence is prompt,
// AdamW, beta 0.1) through Ladder's TrainStep, next to the Python reference and TRL's DPOTrainer
// (on a transformers LlamaForCausalLM: trl_peer.py beside this file) run in the same invocation from
// the same initial weights and batch (the script's --save-init file), with the same threads.
//
//   equal work:  frozen reference forward every step, prompt + answer rows (what the script and
//                TRL do)
//   savings:     reference log-prob cache (one reference pass, then none) + prefix sharing
//
// Each program runs in a process of its own (Ladder's two modes as workers: this binary with
// --worker), so that its peak resident memory (wait4's ru_maxrss) is its own. Prints tokens/s, peak
// memory and the ratios, the first- and second-step numbers of each program (equal math), and
// GFLOP/s counted as 6·N·policy tokens + 2·N·reference tokens + attention.
//
// usage: bench_dpo_step [--steps N] [--threads N] [--repeats R] [--python PATH] [--reference PATH]
//                       [--trl-python PATH|none] [--profile PREFIX]
// The TRL column needs the oracle environment (scripts/install-deps.sh --oracle; --trl-python
// defaults to what scripts/oracle-python prints); without it the column says why it is missing.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include "bench/bench_child.h"
#include "core/common/paths.h"
#include "core/model/checkpoint.h"
#include "core/model/safetensors.h"
#include "core/train/batch.h"
#include "core/train/loss.h"
#include "core/train/train_step.h"

namespace {
namespace fs = std::filesystem;
using namespace ladder;

using bench::Child;
using bench::Values;
using bench::parseValues;
using bench::runChild;

struct Options {
    int steps = 20;
    int threads = 2;
    int repeats = 1;
    std::string python = "/usr/bin/python3";
    std::string reference = std::string(LADDER_SHARED_DIR) + "/reference/dpo_reference.py";
    std::string trlPython;  // empty: ask scripts/oracle-python; "none": no TRL column
    std::string profile;    // write a Chrome trace of one step of each Ladder mode to <profile>-{equal,savings}.json
    std::string worker;     // equal|savings: run that Ladder mode here and print its figures
    std::string init;       // the worker's --save-init file
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

// One Ladder mode, in the worker process: prints the figures as key=value lines.
int runWorker(const Options& o) {
    const bool savings = o.worker == "savings";
    if (!savings && o.worker != "equal") {
        std::fprintf(stderr, "--worker takes equal or savings, not '%s'\n", o.worker.c_str());
        return 2;
    }
    torch::set_num_threads(o.threads);
    torch::manual_seed(0);
    Workload w;
    const torch::Tensor ids = model::SafetensorsFile(o.init).tensor("input_ids");
    auto policy = model::buildModel(model::ModelConfig::referenceWorkload(), torch::kCPU, torch::kFloat);
    model::loadWeights(*policy, {o.init}, {.ignoreUnexpected = true});
    auto reference = model::cloneModel(*policy);
    reference->eval();
    for (const auto& p : policy->parameters()) w.params += p.numel();
    std::shared_ptr<train::PreferenceLoss> loss = train::lossRegistry().create("dpo");
    loss->configure({{"beta", 0.1}});
    train::OptimizerSpec opt;  // lr 1e-4, betas 0.9/0.999, eps 1e-8, weight decay 0.01, clip 1.0
    train::TrainStep step(policy, loss, opt, {.prefixSharing = savings});
    const train::Batch batch = makeBatch(ids, w);

    double oneTimeSeconds = 0;  // the reference cache's pass
    train::ReferenceLogps cached;
    if (savings) {
        const auto start = std::chrono::steady_clock::now();
        cached = train::referenceLogps(*reference, batch, {.prefixSharing = true});
        oneTimeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    auto once = [&] {
        const auto ref = savings ? cached : train::referenceLogps(*reference, batch, {.prefixSharing = false});
        return step.run({&batch}, {ref}, opt.lr);
    };
    const auto first = once();
    double sum = 0;
    for (float v : first.policyChosen) sum += v;
    const double second = once().loss;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < o.steps; ++i) once();
    const double stepSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / o.steps;
    if (!o.profile.empty()) {
        // LibTorch's profiler (perf is not available): bench/dpo_step/summarize_trace.py totals it.
        torch::autograd::profiler::RecordProfile guard(o.profile + (savings ? "-savings" : "-equal") +
                                                       ".json");
        once();
    }
    std::printf("first_step_loss=%.8f first_step_logps_chosen=%.6f second_step_loss=%.8f\n",
                first.loss, sum / static_cast<double>(first.policyChosen.size()), second);
    std::printf("params=%lld step_ms=%.3f one_time_ms=%.3f tokens_per_s=%.0f\n",
                static_cast<long long>(w.params), 1000 * stepSeconds, 1000 * oneTimeSeconds,
                static_cast<double>(w.tokensPerStep()) / stepSeconds);
    return 0;
}

// One program's best run over the repeats.
struct Column {
    std::string name;
    std::string missing;  // why it did not run ("" when it did)
    double stepSeconds = 0;
    double oneTimeSeconds = 0;
    long peakKb = 0;
    Values values;  // its last run's key=value output

    void add(const Child& c, const Values& v) {
        const double seconds = std::atof(v.count("step_ms") ? v.at("step_ms").c_str() : "0") / 1000;
        if (seconds > 0 && (stepSeconds == 0 || seconds < stepSeconds)) stepSeconds = seconds;
        if (v.count("one_time_ms")) oneTimeSeconds = std::atof(v.at("one_time_ms").c_str()) / 1000;
        peakKb = std::max(peakKb, c.peakKb);
        values = v;
    }
};

// A child's figures, or the reason it gave none (its output's last lines).
bool collect(Column& column, const Child& c) {
    const Values v = parseValues(c.output);
    if (c.status == 0 && v.count("step_ms")) {
        column.add(c, v);
        return true;
    }
    std::string tail = c.output.size() > 1500 ? c.output.substr(c.output.size() - 1500) : c.output;
    column.missing = v.count("skip") ? v.at("skip") : "exit " + std::to_string(c.status) + ":\n" + tail;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; i += 2) {
        // An option without its value (or --help) falls through to the usage line.
        const std::string a = i + 1 < argc ? argv[i] : "";
        if (a == "--steps") o.steps = std::atoi(argv[i + 1]);
        else if (a == "--threads") o.threads = std::atoi(argv[i + 1]);
        else if (a == "--repeats") o.repeats = std::atoi(argv[i + 1]);
        else if (a == "--python") o.python = argv[i + 1];
        else if (a == "--reference") o.reference = argv[i + 1];
        else if (a == "--trl-python") o.trlPython = argv[i + 1];
        else if (a == "--profile") o.profile = argv[i + 1];
        else if (a == "--worker") o.worker = argv[i + 1];
        else if (a == "--init") o.init = argv[i + 1];
        else {
            std::fprintf(stderr, "usage: %s [--steps N] [--threads N] [--repeats R] [--python PATH] "
                                 "[--reference PATH] [--trl-python PATH|none] [--profile PREFIX]\n",
                         argv[0]);
            return 2;
        }
    }
    if (o.steps < 1 || o.threads < 1 || o.repeats < 1) {
        std::fprintf(stderr, "--steps, --threads and --repeats take numbers >= 1\n");
        return 2;
    }
    if (!o.worker.empty()) return runWorker(o);

    const fs::path init = fs::temp_directory_path() / ("ladder-dpo-init-" + std::to_string(::getpid()) + ".safetensors");
    const std::string steps = std::to_string(o.steps), threads = std::to_string(o.threads);
    Workload w;
    std::printf("DPO step benchmark: Llama d=256, 4 layers, 4 heads, 8 pairs x 256 tokens, byte vocab, "
                "%d steps, %d threads, best of %d\n", o.steps, o.threads, o.repeats);
    if (::access(o.python.c_str(), X_OK) != 0 || !fs::exists(o.reference)) {
        std::printf("Python reference: not run (needs %s with torch and %s)\n", o.python.c_str(),
                    o.reference.c_str());
        return 1;
    }
    const auto [trl, noTrl] = bench::oraclePython(o.trlPython, LADDER_SOURCE_DIR);
    const std::string peer = std::string(LADDER_SOURCE_DIR) + "/bench/dpo_step/trl_peer.py";

    Column script{"Python reference (dpo_reference.py)"}, equal{"Ladder, equal work"},
        savings{"Ladder, reference cache + prefix sharing"}, peerColumn{"TRL DPOTrainer (trl_peer.py)"};
    peerColumn.missing = noTrl;
    for (int rep = 0; rep < o.repeats; ++rep) {
        std::fprintf(stderr, "repeat %d/%d: the Python reference...\n", rep + 1, o.repeats);
        if (!collect(script, runChild({o.python, o.reference, "--steps", steps, "--threads", threads,
                                       "--save-init", init.string()}))) {
            std::printf("the Python reference failed: %s\n", script.missing.c_str());
            return 1;
        }
        w.params = std::atoll(script.values["params"].c_str());
        for (Column* c : {&equal, &savings}) {
            std::fprintf(stderr, "repeat %d/%d: %s...\n", rep + 1, o.repeats, c->name.c_str());
            std::vector<std::string> args{bench::selfPath("bench_dpo_step"), "--worker", c == &equal ? "equal" : "savings",
                                          "--init", init.string(), "--steps", steps, "--threads", threads};
            if (!o.profile.empty()) args.insert(args.end(), {"--profile", o.profile});
            if (!collect(*c, runChild(args))) {
                std::printf("%s failed: %s\n", c->name.c_str(), c->missing.c_str());
                return 1;
            }
        }
        if (!trl.empty()) {
            std::fprintf(stderr, "repeat %d/%d: TRL...\n", rep + 1, o.repeats);
            const fs::path workdir = init.string() + "-trl";
            collect(peerColumn, runChild({trl, peer, "--init", init.string(), "--steps", steps,
                                          "--threads", threads, "--workdir", workdir.string()}));
            ladder::paths::removeTree(workdir);
        }
    }
    fs::remove(init);

    const double tokens = static_cast<double>(w.tokensPerStep());
    const double flops = w.flopsPerStep();
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    std::printf("\nspeed and memory (each program in its own process; GFLOP/s counts the script's "
                "work: 6N+2N per token + attention)\n");
    std::printf("  %-42s %10s %9s %8s %10s   %s\n", "", "ms/step", "tokens/s", "GFLOP/s",
                "peak MiB", "Ladder equal work's speed, memory against it");
    for (const Column* c : {&script, &peerColumn, &equal, &savings}) {
        if (!c->missing.empty()) {
            std::printf("  %-42s not run: %s\n", c->name.c_str(), c->missing.c_str());
            continue;
        }
        std::printf("  %-42s %10.1f %9.0f %8.1f %10.0f", c->name.c_str(), 1000 * c->stepSeconds,
                    tokens / c->stepSeconds, flops / c->stepSeconds / 1e9, c->peakKb / 1024.0);
        if (c == &script || c == &peerColumn)
            std::printf("   %.2fx, %.2fx", ratio(c->stepSeconds, equal.stepSeconds),
                        ratio(static_cast<double>(equal.peakKb), static_cast<double>(c->peakKb)));
        std::printf("\n");
    }
    std::printf("  (the reference cache's one pass took %.1f ms, once per pair for a whole run)\n",
                1000 * savings.oneTimeSeconds);

    std::printf("\nequal math (same initial weights and batch)\n");
    std::printf("  %-28s %18s %18s %18s\n", "", "first-step loss", "first logps chosen", "second-step loss");
    for (const Column* c : {&script, &peerColumn, &equal, &savings}) {
        if (!c->missing.empty()) continue;
        auto v = [&](const char* k) { return c->values.count(k) ? c->values.at(k) : "-"; };
        std::printf("  %-28.28s %18s %18s %18s\n", c->name.c_str(), v("first_step_loss").c_str(),
                    v("first_step_logps_chosen").c_str(), v("second_step_loss").c_str());
    }
    auto number = [](const Column& c, const char* k) {
        return c.values.count(k) ? std::atof(c.values.at(k).c_str()) : NAN;
    };
    std::printf("  Ladder equal work against the script: |difference| first-step loss %.2e, second-step "
                "loss %.2e (target < 1e-5)\n",
                std::fabs(number(equal, "first_step_loss") - number(script, "first_step_loss")),
                std::fabs(number(equal, "second_step_loss") - number(script, "second_step_loss")));
    if (peerColumn.missing.empty())
        std::printf("  Ladder equal work against TRL: |difference| first logps chosen %.2e (TRL's "
                    "AdamW leaves the norm weights undecayed, so its second step differs a little)\n",
                    std::fabs(number(equal, "first_step_logps_chosen") -
                              number(peerColumn, "first_step_logps_chosen")));

    std::printf("\ntargets\n");
    auto verdict = [](bool ok) { return ok ? "met" : "NOT met"; };
    const double vsScript = ratio(script.stepSeconds, equal.stepSeconds);
    const double vsScriptSavings = ratio(script.stepSeconds, savings.stepSeconds);
    std::printf("  against the script: equal work %.2fx (target >= 1.25: %s), with savings %.2fx "
                "(target >= 2.0: %s)\n",
                vsScript, verdict(vsScript >= 1.25), vsScriptSavings, verdict(vsScriptSavings >= 2.0));
    if (peerColumn.missing.empty()) {
        const double speed = ratio(peerColumn.stepSeconds, equal.stepSeconds);
        const double memory = ratio(static_cast<double>(equal.peakKb), static_cast<double>(peerColumn.peakKb));
        std::printf("  against TRL: tokens/s %.2fx (target >= 2.0: %s), peak memory %.2fx (target <= "
                    "0.6: %s)\n",
                    speed, verdict(speed >= 2.0), memory, verdict(memory <= 0.6));
        std::printf("  (%s)\n", peerColumn.values.count("versions") ? peerColumn.values.at("versions").c_str() : "");
    } else {
        std::printf("  against TRL: not run (%s)\n", peerColumn.missing.c_str());
    }
    return 0;
}
