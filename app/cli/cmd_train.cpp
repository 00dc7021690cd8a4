// ladder-cli train: runs a training job in this process with a progress line; Ctrl+C stops it
// cleanly (a checkpoint is written) and `--resume RUN` continues it later.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "app/cli/cli_context.h"
#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/dist/launch.h"
#include "core/dist/world.h"
#include "core/store/workspace.h"
#include "core/train/data_plan.h"
#include "core/train/memory_estimate.h"
#include "core/train/plugins.h"
#include "core/train/run_alerts.h"
#include "core/train/training_job.h"

namespace ladder::cli {
namespace {

volatile std::sig_atomic_t g_interrupts = 0;

void onInterrupt(int) { g_interrupts = g_interrupts + 1; }

struct TrainOptions {
    std::string configPath;
    std::string device;
    std::string name;
    std::int64_t resume = 0;
    std::int64_t steps = 0;
    std::int64_t fromRun = 0;  // start from this run's latest checkpoint (model.kind run)
    bool allowJudgeProgram = false;
    bool noWinRate = false;
    bool dryRun = false;  // print the memory estimate and stop
    // Data parallel (core/dist): this machine's processes, the machines, and where they meet.
    int nprocPerNode = 1;
    int nnodes = 1;
    int nodeRank = 0;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 0;
    int distTimeout = 0;  // seconds; 0: $LADDER_DIST_TIMEOUT or 600
};

// The options only the launcher reads: its workers get the rest of the command line.
bool isLauncherOption(const std::string& word) {
    for (const char* name : {"--nproc-per-node", "--nnodes", "--node-rank", "--master-addr",
                             "--master-port", "--dist-timeout"}) {
        if (word == name || word.rfind(std::string(name) + "=", 0) == 0) return true;
    }
    return false;
}

// ladder-cli train --nproc-per-node N: starts N workers (this program, the same command line
// less the launcher's options) with torchrun's variables set, and waits for them.
int launch(const CliContext& context, const TrainOptions& options) {
    dist::LaunchSpec spec;
    std::vector<char> self(4096, '\0');
    const auto length = ::readlink("/proc/self/exe", self.data(), self.size() - 1);
    if (length <= 0) throw Error("cannot find this program's path (/proc/self/exe) to start workers");
    spec.command.emplace_back(self.data(), static_cast<std::size_t>(length));
    for (std::size_t i = 0; i < context.arguments.size(); ++i) {
        const std::string& word = context.arguments[i];
        if (isLauncherOption(word)) {
            if (word.find('=') == std::string::npos) ++i;  // its value is the next word
            continue;
        }
        spec.command.push_back(word);
    }
    spec.processesPerNode = options.nprocPerNode;
    spec.nodes = options.nnodes;
    spec.nodeRank = options.nodeRank;
    spec.masterAddr = options.masterAddr;
    spec.masterPort = options.masterPort;
    if (options.distTimeout > 0) {
        spec.timeout = std::chrono::seconds(options.distTimeout);
    } else if (const char* timeout = std::getenv("LADDER_DIST_TIMEOUT"); timeout && std::atoi(timeout) > 0) {
        spec.timeout = std::chrono::seconds(std::atoi(timeout));
    }
    return dist::launchWorkers(spec, [](const std::string& line) {
        std::fprintf(stderr, "launcher: %s\n", line.c_str());
    });
}

// On a terminal one line is rewritten every step; into a file or pipe a line every 5% of the run.
void printProgress(const train::TrainingEvent& e, bool quiet) {
    if (quiet) return;
    static const bool terminal = ::isatty(STDERR_FILENO) != 0;
    const std::int64_t every = std::max<std::int64_t>(1, e.totalSteps / 20);
    if (!terminal && e.step % every != 0 && e.step != e.totalSteps) return;
    std::string rewards;
    for (const auto& [name, value] : e.metrics) {
        if (name == "rewards/accuracies") rewards += "  acc " + std::to_string(value).substr(0, 5);
    }
    std::fprintf(stderr, "\rstep %lld/%lld  loss %.4f%s  %.0f tok/s  ETA %s   ",
                 static_cast<long long>(e.step), static_cast<long long>(e.totalSteps),
                 e.metric("loss"), rewards.c_str(), e.metric("tokens_per_second"),
                 clock::formatDuration(e.etaSeconds).c_str());
    if (!terminal) std::fprintf(stderr, "\n");
    std::fflush(stderr);
}

int runJob(const CliContext& context, const TrainOptions& options) {
    train::JobRequest request;
    if (!options.dryRun) {
        if (auto world = dist::worldFromEnvironment()) request.world = *world;
    }
    // The other ranks of a data-parallel run print only what goes wrong, said as theirs.
    const bool follower = request.world.rank != 0;
    const std::string who = request.world.distributed() ? request.world.describe() + ": " : "";
    request.workspacePath = context.workspacePath;
    if (request.workspacePath.empty()) {
        throw Error("no workspace given: pass --workspace FILE.ladder");
    }
    if (options.resume > 0) {
        request.resumeRunId = options.resume;
    } else {
        if (options.configPath.empty()) {
            throw Error("pass --config run.json (resources/presets has examples), or --resume RUN");
        }
        request.config = train::loadRunConfig(options.configPath);
        if (!options.device.empty()) request.config.device = options.device;
        if (!options.name.empty()) request.config.name = options.name;
        if (options.steps > 0) request.config.maxSteps = static_cast<int>(options.steps);
        if (options.fromRun > 0) {
            request.config.model.kind = "run";
            request.config.model.runId = options.fromRun;
            request.config.model.checkpointStep = -1;
        }
    }

    if (options.dryRun) {
        if (options.resume > 0) throw Error("--dry-run estimates a new run: pass --config, not --resume");
        const auto problems = train::validate(request.config);
        for (const auto& p : problems) std::fprintf(stderr, "problem: %s\n", p.c_str());
        auto workspace = store::Workspace::open(request.workspacePath);
        const auto modelConfig = train::specModelConfig(workspace, request.config.model);
        const auto inputs = train::memoryInputs(request.config, modelConfig);
        const auto estimate = train::estimateMemory(inputs);
        std::printf("memory estimate (batch %lld pairs, prompt %lld + answers %lld tokens at the "
                    "caps, %s%s%s, %s rows): %s\n",
                    static_cast<long long>(inputs.pairs), static_cast<long long>(inputs.promptTokens),
                    static_cast<long long>(inputs.answerTokens),
                    inputs.lora.enabled() ? ("LoRA r=" + std::to_string(inputs.lora.rank)).c_str()
                                          : "full fine-tuning",
                    inputs.gradientCheckpointing ? ", gradient checkpointing" : "",
                    inputs.headChunkTokens > 0 ? ", chunked logits head" : "",
                    inputs.packedPairs ? "packed" : "padded", estimate.text().c_str());
        std::printf("trained parameters: %lld\n", static_cast<long long>(estimate.trainableParameters));
        // The batches it will draw, tokenised as the trainer will: the padded share, the longest
        // rows, what the caps cut.
        bool planned = true;
        try {
            const auto plan = train::planRunData(workspace, request.config);
            std::printf("data: %s\n", plan.text(request.config).c_str());
        } catch (const Error& e) {
            std::fprintf(stderr, "problem: %s\n", e.what());
            planned = false;
        }
        const auto free = train::availableDeviceMemory(request.config.device);
        const std::string where = request.config.device == "cpu" ? "" : " on " + request.config.device;
        if (const auto advice = train::memoryAdvice(estimate, free, inputs); !advice.empty()) {
            std::fprintf(stderr, "will not fit%s: %s\n", where.c_str(), advice.c_str());
            return 1;
        }
        if (free > 0) std::printf("fits: %s free%s\n", train::bytesText(free).c_str(), where.c_str());
        return problems.empty() && planned ? 0 : 1;
    }

    request.judgeProgramApproved = options.allowJudgeProgram;
    request.withoutWinRate = options.noWinRate;
    if (options.allowJudgeProgram && !options.noWinRate && options.resume <= 0) {
        if (const auto program = train::judgeProgram(request.config); !program.empty()) {
            std::fprintf(stderr, "win rate: the judge runs `%s` (allowed by --allow-judge-program)\n",
                         train::describeProgram(program).c_str());
        }
    }

    train::TrainingJob job(request);
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    job.start();
    bool stopSent = false;
    int status = 0;
    bool progressShown = false;
    while (true) {
        if (g_interrupts > 0 && !stopSent) {
            std::fprintf(stderr, "\nstopping after this step (a checkpoint is written)...\n");
            job.stop();
            stopSent = true;
        }
        auto event = job.events().pop(std::chrono::milliseconds(200));
        if (!event) {
            if (!job.isRunning() && job.events().size() == 0) break;
            continue;
        }
        switch (event->kind) {
            case train::EventKind::Step:
                printProgress(*event, context.quiet || follower);
                progressShown = ::isatty(STDERR_FILENO) != 0;
                break;
            case train::EventKind::Eval:
                if (progressShown && !context.quiet) std::fprintf(stderr, "\n");
                if (event->message.rfind("win rate", 0) == 0) {
                    std::printf("step %lld: %s: %.1f%% ± %.1f%%\n",
                                static_cast<long long>(event->step), event->message.c_str(),
                                100.0 * event->metric("eval/win_rate"),
                                100.0 * event->metric("eval/win_rate_stderr"));
                } else {
                    std::printf("step %lld: held-out accuracy %.3f, margin %+.3f, loss %.4f\n",
                                static_cast<long long>(event->step),
                                event->metric("eval/rewards/accuracies"),
                                event->metric("eval/rewards/margins"), event->metric("eval/loss"));
                }
                progressShown = false;
                break;
            case train::EventKind::Started:
                if (follower) break;
                std::printf("run %lld started%s: %s\n", static_cast<long long>(event->runId),
                            request.world.distributed()
                                ? (" on " + std::to_string(request.world.worldSize) + " processes").c_str()
                                : "",
                            event->message.c_str());
                break;
            case train::EventKind::Message:
                // A note (a capped warmup, a run shorter than its curriculum) changes what the
                // run trains: said even with --quiet, as the launcher lists it.
                if (event->message.rfind("note: ", 0) == 0) {
                    if (progressShown) std::fprintf(stderr, "\n");
                    std::fprintf(stderr, "%s\n", event->message.c_str());
                    progressShown = false;
                    break;
                }
                [[fallthrough]];
            case train::EventKind::StageChanged:
            case train::EventKind::Checkpoint:
            case train::EventKind::Resumed:
                if (!context.quiet && !follower) {
                    if (progressShown) std::fprintf(stderr, "\n");
                    std::fprintf(stderr, "%s: %s\n", train::toString(event->kind),
                                 event->message.c_str());
                    progressShown = false;
                }
                break;
            case train::EventKind::Finished:
            case train::EventKind::Stopped:
                if (event->kind == train::EventKind::Stopped) status = 130;
                if (follower) break;
                if (progressShown) std::fprintf(stderr, "\n");
                std::printf("run %lld %s at step %lld (%s)\n", static_cast<long long>(event->runId),
                            train::toString(event->kind), static_cast<long long>(event->step),
                            event->message.c_str());
                if (event->kind == train::EventKind::Stopped) {
                    std::printf("continue it with: ladder-cli train --workspace %s --resume %lld\n",
                                request.workspacePath.c_str(),
                                static_cast<long long>(event->runId));
                    status = 130;
                }
                break;
            case train::EventKind::Failed:
                if (progressShown) std::fprintf(stderr, "\n");
                // Run 0: it failed before a run row was made (a bad config, a locked run).
                if (event->runId > 0) {
                    std::fprintf(stderr, "error: %srun %lld failed: %s\n", who.c_str(),
                                 static_cast<long long>(event->runId), event->message.c_str());
                } else {
                    std::fprintf(stderr, "error: %s%s\n", who.c_str(), event->message.c_str());
                }
                status = 1;
                break;
            case train::EventKind::Paused:
                break;
        }
    }
    job.wait();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    // What its metrics say went wrong (issue 16), as the window shows it on the run.
    if (!follower && job.runId() > 0) {
        try {
            auto workspace = store::Workspace::open(request.workspacePath);
            for (const auto& alert : train::runAlerts(workspace.db(), job.runId())) {
                std::printf("alert at step %lld: %s. %s\n", static_cast<long long>(alert.step),
                            alert.title.c_str(), alert.explanation.c_str());
            }
        } catch (const std::exception& e) {
            std::fprintf(stderr, "the run's alerts could not be read: %s\n", e.what());
        }
    }
    return status;
}

}  // namespace

void addTrainCommands(CLI::App& app, CliContext& context) {
    auto options = std::make_shared<TrainOptions>();
    auto* train = app.add_subcommand("train", "Train a policy (SFT, DPO, SLiC, IPO, ...) on pairs");
    addWorkspaceOption(*train, context);
    train->add_option("-c,--config", options->configPath, "Run configuration (JSON)");
    train->add_option("--device", options->device, "cpu, cuda or cuda:N (overrides the config)");
    train->add_option("--name", options->name, "Name of the run (overrides the config)");
    train->add_option("--steps", options->steps, "Max steps (overrides the config)");
    train->add_option("--from-run", options->fromRun,
                      "Start from this run's latest checkpoint (sets model.kind run: how a DPO "
                      "preset follows the SFT run of the same workspace)");
    train->add_option("--resume", options->resume,
                      "Continue this run from its latest checkpoint (its stored config is used)");
    train->add_flag("--allow-judge-program", options->allowJudgeProgram,
                    "Let the config's win-rate judge run the program its judge_options.argv names "
                    "(never done without this: a config may come from someone else)");
    train->add_flag("--dry-run", options->dryRun,
                    "Print the run's memory estimate (weights, gradients, optimizer, activations, "
                    "logits) against this machine's free memory, and stop");
    train->add_flag("--no-win-rate", options->noWinRate,
                    "Leave out the config's win rate during training");
    train->add_option("--nproc-per-node", options->nprocPerNode,
                      "Train on this many processes of this machine, data parallel (c10d: Gloo on "
                      "the CPU, NCCL on CUDA, a GPU each): batch_size pairs in each")
        ->check(CLI::Range(1, 1024));
    train->add_option("--nnodes", options->nnodes,
                      "Machines of the run (start ladder-cli on each, with its --node-rank)")
        ->check(CLI::Range(1, 65536));
    train->add_option("--node-rank", options->nodeRank, "This machine's place among them, from 0");
    train->add_option("--master-addr", options->masterAddr,
                      "Address of node 0, where the processes meet (default 127.0.0.1)");
    train->add_option("--master-port", options->masterPort,
                      "Port on node 0 (default: a free one; needed with --nnodes)");
    train->add_option("--dist-timeout", options->distTimeout,
                      "Seconds a process waits for the others before it stops, naming them "
                      "(default 600; $LADDER_DIST_TIMEOUT)");
    train->callback([&context, options] {
        if (options->nprocPerNode > 1 || options->nnodes > 1) {
            if (options->dryRun) throw Error("--dry-run estimates one process: leave out --nproc-per-node");
            const int status = launch(context, *options);
            if (status != 0) throw CLI::RuntimeError(status);
            return;
        }
        train::loadPlugins();  // a method or judge may come from a plugin
        const int status = runJob(context, *options);
        if (status != 0) throw CLI::RuntimeError(status);
    });
}

}  // namespace ladder::cli
