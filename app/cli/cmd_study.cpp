// ladder-cli study: run a study (a run config, its variants, a grid with seeds) and show its table
// of final metrics as mean ± standard error over seeds. Ctrl+C stops the run in progress with a
// checkpoint; the same `study run` continues the study.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "app/cli/cli_context.h"
#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/study/study_runner.h"
#include "core/study/study_store.h"
#include "core/study/study_table.h"
#include "core/train/plugins.h"

namespace ladder::cli {
namespace {

struct StudyArgs {
    std::string file;
    std::string name;  // study show: a name or a study file
    std::string csv;
    std::string against;  // a group to subtract, seed by seed (default: the study's baseline)
    study::StudyOptions options;
    bool plan = false;
};

std::string position(const study::StudyEvent& e) {
    return study::progressLabel(e);
}

// A terminal gets one line rewritten each step; a file or pipe a line every quarter of a run.
void printStep(const study::StudyEvent& e, bool quiet) {
    if (quiet) return;
    static const bool terminal = ::isatty(STDERR_FILENO) != 0;
    const auto& t = *e.training;
    const std::int64_t every = std::max<std::int64_t>(1, t.totalSteps / 4);
    if (!terminal && t.step % every != 0) return;
    std::fprintf(
        stderr, "%s%s  step %lld/%lld  loss %.4f  run ETA %s%s%s   %s", terminal ? "\r" : "",
        position(e).c_str(), static_cast<long long>(t.step), static_cast<long long>(t.totalSteps),
        t.metric("loss"), clock::formatDuration(t.etaSeconds).c_str(),
        e.etaSeconds >= 0 ? "  study ETA " : "",
        e.etaSeconds >= 0 ? clock::formatDuration(e.etaSeconds).c_str() : "", terminal ? "" : "\n");
    std::fflush(stderr);
}

void printEvent(const study::StudyEvent& e, bool quiet) {
    using K = study::StudyEventKind;
    static const bool terminal = ::isatty(STDERR_FILENO) != 0;
    const char* clear = terminal && !quiet ? "\r\033[K" : "";
    switch (e.kind) {
        case K::Training:
            if (e.training->kind == train::EventKind::Step) {
                printStep(e, quiet);
            } else if (e.training->kind == train::EventKind::Eval) {
                const auto& t = *e.training;
                if (t.message.rfind("win rate", 0) == 0) {
                    std::printf("%s%s: step %lld: %s %.1f%% ± %.1f%%\n", clear, position(e).c_str(),
                                static_cast<long long>(t.step), t.message.c_str(),
                                100.0 * t.metric("eval/win_rate"),
                                100.0 * t.metric("eval/win_rate_stderr"));
                } else {
                    std::printf("%s%s: step %lld: held-out accuracy %.3f, margin %+.3f\n", clear,
                                position(e).c_str(), static_cast<long long>(t.step),
                                t.metric("eval/rewards/accuracies"),
                                t.metric("eval/rewards/margins"));
                }
            }
            break;
        case K::RunStarted:
            std::printf("%s%s: %s%s\n", clear, position(e).c_str(),
                        e.runId > 0 ? ("run " + std::to_string(e.runId) + " ").c_str() : "",
                        e.message.c_str());
            break;
        case K::RunFinished:
        case K::RunStopped:
            std::printf("%s%s: run %lld %s (%s)\n", clear, position(e).c_str(),
                        static_cast<long long>(e.runId),
                        e.kind == K::RunFinished ? "finished" : "stopped", e.message.c_str());
            break;
        case K::RunFailed:
            std::fprintf(stderr, "%serror: %s: run %lld failed: %s\n", clear, position(e).c_str(),
                         static_cast<long long>(e.runId), e.message.c_str());
            break;
        case K::RunSkipped:
            std::fprintf(stderr, "%s%s: skipped: %s\n", clear, position(e).c_str(),
                         e.message.c_str());
            break;
    }
}

void printTable(store::Database& db, const study::StudySpec& spec, std::int64_t studyId,
                const std::string& csvPath, const std::string& against) {
    const auto table = study::summarizeStudy(db, spec, studyId);
    std::printf("study '%s'\n%s", spec.name.c_str(), study::renderStudyTable(table).c_str());
    const std::string baseline = against.empty() ? table.baseline : against;
    if (!baseline.empty()) {
        std::printf("\n%s",
                    study::renderDifferences(study::differencesFrom(table, baseline)).c_str());
    }
    if (csvPath.empty()) return;
    std::ofstream out(csvPath, std::ios::binary | std::ios::trunc);
    out << study::studyTableCsv(table);
    out.close();
    if (!out) throw Error("could not write " + csvPath + " (is the folder there and writable?)");
    std::printf("table written to %s\n", csvPath.c_str());
}

int runStudyCommand(const CliContext& context, const StudyArgs& args) {
    const auto spec = study::loadStudy(args.file);
    const std::string workspacePath = context.requiredWorkspacePath();
    if (args.plan) {
        auto workspace = context.openWorkspace(true);
        std::map<std::string, std::int64_t> linked;
        if (const auto stored = study::StudyStore(workspace.db()).find(spec.name)) {
            linked = study::StudyStore(workspace.db()).runs(stored->id);
        }
        std::printf("study '%s': %zu runs, %d at a time\n", spec.name.c_str(), spec.points.size(),
                    spec.parallel);
        for (const auto& point : spec.points) {
            const auto it = linked.find(point.key);
            std::printf("  %s%s  (%s, %d steps)\n", study::pointLabel(point).c_str(),
                        it == linked.end() ? "" : (" — run " + std::to_string(it->second)).c_str(),
                        point.config.method.c_str(), point.config.maxSteps);
        }
        return 0;
    }
    bool stopSaid = false;
    const auto started = clock::nowSeconds();
    study::StudyOutcome outcome;
    {
        const StopOnInterrupt interrupts;
        const auto& stop = StopOnInterrupt::requested();
        outcome = study::runStudy(
            workspacePath, spec, args.options,
            [&](const study::StudyEvent& e) {
                if (stop && !stopSaid) {
                    std::fprintf(stderr,
                                 "\nstopping the run in progress (a checkpoint is written)...\n");
                    stopSaid = true;
                }
                printEvent(e, context.quiet);
            },
            stop);
    }
    std::printf(
        "study '%s': %d of %d runs finished%s%s in this session's %s\n", spec.name.c_str(),
        outcome.finished, outcome.total,
        outcome.failed ? (", " + std::to_string(outcome.failed) + " failed").c_str() : "",
        outcome.skipped ? (", " + std::to_string(outcome.skipped) + " skipped").c_str() : "",
        clock::formatDuration(clock::nowSeconds() - started).c_str());
    auto workspace = context.openWorkspace(true);
    printTable(workspace.db(), spec, outcome.studyId, args.csv, args.against);
    if (outcome.stopped) {
        std::printf("continue it with: ladder-cli study run %s -w %s\n", args.file.c_str(),
                    workspacePath.c_str());
        return 130;
    }
    return outcome.failed + outcome.skipped > 0 ? 1 : 0;
}

int showStudy(const CliContext& context, const StudyArgs& args) {
    auto workspace = context.openWorkspace(true);
    study::StudyStore studies(workspace.db());
    auto all = studies.list();
    if (all.empty())
        throw Error("the workspace has no studies: start one with ladder-cli study run FILE");
    std::optional<study::StudyRecord> record;
    if (args.name.empty()) {
        if (all.size() > 1) {
            std::string names;
            for (const auto& s : all) names += (names.empty() ? "" : ", ") + s.name;
            throw Error("the workspace has several studies (" + names + "): name one");
        }
        record = all.front();
    } else {
        record = studies.find(args.name);
        std::error_code ec;
        if (!record && std::filesystem::is_regular_file(args.name, ec)) {
            record = studies.find(study::loadStudy(args.name).name);
        }
        if (!record)
            throw Error("the workspace has no study '" + args.name + "' (ladder-cli study list)");
    }
    printTable(workspace.db(), study::storedSpec(record->name, record->specJson), record->id,
               args.csv, args.against);
    return 0;
}

}  // namespace

void addStudyCommands(CLI::App& app, CliContext& context) {
    auto args = std::make_shared<StudyArgs>();
    auto* studyCommand = app.add_subcommand(
        "study", "Studies: a run config over variants and seeds, with mean ± standard error");
    studyCommand->require_subcommand(1);

    auto* run = studyCommand->add_subcommand(
        "run", "Run (or continue) a study's runs, then print its table");
    addWorkspaceOption(*run, context);
    run->add_option("file", args->file, "Study file (JSON; resources/studies has examples)")
        ->required();
    run->add_option("--parallel", args->options.parallel, "Runs at a time (overrides the file)")
        ->check(CLI::Range(1, 64));
    run->add_option("--csv", args->csv, "Also write the table as CSV to this file");
    run->add_flag("--plan", args->plan, "List the study's runs (and which exist) without training");
    run->add_flag("--allow-judge-program", args->options.judgeProgramApproved,
                  "Let the runs' win-rate judge run the program its judge_options.argv names");
    run->add_flag("--no-win-rate", args->options.withoutWinRate,
                  "Leave out the runs' win rate during training");
    run->callback([&context, args] {
        train::loadPlugins();
        const int status = runStudyCommand(context, *args);
        if (status != 0) throw CLI::RuntimeError(status);
    });

    auto* show =
        studyCommand->add_subcommand("show", "Print a study's table (mean ± standard error)");
    addWorkspaceOption(*show, context);
    show->add_option("study", args->name,
                     "Its name or its file (default: the workspace's only study)");
    show->add_option("--csv", args->csv, "Also write the table as CSV to this file");
    show->add_option("--against", args->against,
                     "Also print each group's difference from this group, paired by seed "
                     "(default: the study's baseline)");
    show->callback([&context, args] { showStudy(context, *args); });

    auto* list = studyCommand->add_subcommand("list", "The workspace's studies");
    addWorkspaceOption(*list, context);
    list->callback([&context] {
        auto workspace = context.openWorkspace(true);
        study::StudyStore studies(workspace.db());
        for (const auto& s : studies.list()) {
            std::printf("%s  (%zu runs, started %s)\n", s.name.c_str(), studies.runs(s.id).size(),
                        s.createdAt.c_str());
        }
    });
}

}  // namespace ladder::cli
