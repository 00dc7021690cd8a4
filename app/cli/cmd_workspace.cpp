// ladder-cli init | info | runs | backup | recover: create a workspace, summarise it, list its
// runs, back it up, recover a damaged one.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/cli/cli_context.h"
#include "core/common/clock.h"
#include "core/store/backup.h"
#include "core/store/metrics.h"
#include "core/store/recovery.h"
#include "core/store/run_liveness.h"
#include "core/store/runs.h"
#include "core/store/schema.h"
#include "core/model/atomic_file.h"
#include "core/train/run_alerts.h"
#include "core/train/run_lineage.h"

namespace ladder::cli {

void addWorkspaceCommands(CLI::App& app, CliContext& context) {
    auto* init = app.add_subcommand("init", "Create a new, empty workspace file");
    auto overwrite = std::make_shared<bool>(false);
    init->add_flag("--overwrite", *overwrite, "Replace an existing workspace at that path");
    init->add_option("workspace", context.workspacePath, "The new file (*.ladder)")->required();
    init->callback([&context, overwrite] {
        auto ws = store::Workspace::create(context.workspacePath, *overwrite);
        std::printf("created %s (schema %d)\n", ws.path().c_str(), ws.schemaVersion());
    });

    auto* info = app.add_subcommand("info", "Summarise a workspace: what it holds, schema, files");
    addWorkspaceOption(*info, context);
    info->callback([&context] {
        auto ws = context.openWorkspace(/*readOnly=*/true);
        const auto s = ws.summary();
        std::printf("workspace   %s\n", ws.path().c_str());
        std::printf("schema      %d (this Ladder writes %d)\n", ws.schemaVersion(),
                    store::latestSchemaVersion());
        std::printf("created     %s by %s\n", ws.info("created_at", "?").c_str(),
                    ws.info("created_by", "?").c_str());
        std::printf("checkpoints %s\n", ws.checkpointDir().c_str());
        std::printf("datasets %lld, sources %lld, prompts %lld, responses %lld\n",
                    static_cast<long long>(s.datasets), static_cast<long long>(s.sources),
                    static_cast<long long>(s.prompts), static_cast<long long>(s.responses));
        std::printf("ladders %lld, pairs %lld (%lld annotated), curricula %lld\n",
                    static_cast<long long>(s.ladders), static_cast<long long>(s.pairs),
                    static_cast<long long>(s.annotations), static_cast<long long>(s.curricula));
        std::printf("runs %lld, metric rows %lld, checkpoints %lld, evaluations %lld\n",
                    static_cast<long long>(s.runs), static_cast<long long>(s.metrics),
                    static_cast<long long>(s.checkpoints), static_cast<long long>(s.evals));
    });

    auto* runs = app.add_subcommand("runs", "List the runs of a workspace, newest first");
    addWorkspaceOption(*runs, context);
    auto showAlerts = std::make_shared<bool>(false);
    runs->add_flag("--alerts", *showAlerts,
                   "Under each run, what its metrics say went wrong (likelihood displacement, "
                   "overfitting, ...), as the window's Runs pane shows it");
    runs->callback([&context, showAlerts] {
        auto ws = context.openWorkspace(/*readOnly=*/true);
        store::RunStore store(ws.db());
        const auto all = store.list();
        if (all.empty()) {
            std::printf("no runs yet: `ladder-cli train --workspace W --config run.json` starts one\n");
            return;
        }
        std::printf("%5s  %-17s  %-6s  %11s  %-8s  %s\n", "id", "status", "method", "step",
                    "device", "name");
        int stale = 0;
        for (const auto& r : all) {
            // The window's Runs pane asks the same: a run whose process is gone is stale.
            std::string status = store::toString(r.status);
            const auto liveness = store::runLiveness(r, ws.path());
            if (liveness == store::Liveness::Stale || liveness == store::Liveness::Quiet) {
                status += std::string(" (") + store::toString(liveness) + ")";
                stale += liveness == store::Liveness::Stale;
            }
            char steps[32];
            std::snprintf(steps, sizeof steps, "%lld/%lld", static_cast<long long>(r.lastStep),
                          static_cast<long long>(r.totalSteps));
            // A data-parallel run: its device times its processes ("cpu x2").
            std::string device = r.device;
            const auto processes = store::MetricsReader(ws.db()).series(r.id, "system/processes");
            if (!processes.empty() && processes.back().second > 1) {
                device += " x" + std::to_string(std::lround(processes.back().second));
            }
            std::printf("%5lld  %-17s  %-6s  %11s  %-8s  %s%s%s\n", static_cast<long long>(r.id),
                        status.c_str(), r.method.c_str(), steps, device.c_str(),
                        r.name.c_str(), r.message.empty() ? "" : "  -- ", r.message.c_str());
            if (*showAlerts) {
                for (const auto& a : train::runAlerts(ws.db(), r.id)) {
                    std::printf("       alert at step %lld: %s. %s\n", static_cast<long long>(a.step),
                                a.title.c_str(), a.explanation.c_str());
                }
            }
        }
        if (stale > 0) {
            std::printf("stale: the process of %d run%s is gone; `ladder-cli train -w W --resume ID` "
                        "continues one from its last checkpoint\n", stale, stale == 1 ? "" : "s");
        }
    });

    auto* backup = app.add_subcommand(
        "backup", "Copy a workspace into <name>.backups/ beside it (the window does so hourly)");
    addWorkspaceOption(*backup, context);
    auto keep = std::make_shared<int>(store::kBackupsKept);
    backup->add_option("--keep", *keep, "How many backups to keep")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    backup->callback([&context, keep] {
        const auto file = store::makeBackup(context.requiredWorkspacePath(), *keep);
        std::printf("backed up to %s\n", file.c_str());
        for (const auto& b : store::listBackups(context.requiredWorkspacePath())) {
            std::printf("  %s  %8.1f MB  %s\n", b.takenAt.c_str(),
                        static_cast<double>(b.bytes) / 1e6, b.file.c_str());
        }
    });

    auto* recover = app.add_subcommand(
        "recover", "Recover a damaged workspace: restore its newest good backup, or salvage what "
                   "can be read; the damaged file is kept");
    addWorkspaceOption(*recover, context);
    struct RecoverArgs {
        std::string backup;
        bool salvage = false;
        bool force = false;
    };
    auto args = std::make_shared<RecoverArgs>();
    recover->add_option("--backup", args->backup, "Restore this backup file");
    recover->add_flag("--salvage", args->salvage,
                      "Salvage the rows SQLite can read instead of restoring a backup");
    recover->add_flag("--force", args->force,
                      "Go back to a backup even though the workspace is intact");
    recover->callback([&context, args] {
        const std::string path = context.requiredWorkspacePath();
        store::RecoveryOptions options;
        options.mode = args->salvage ? store::RecoveryMode::Salvage : store::RecoveryMode::Auto;
        if (!args->backup.empty()) {
            options.mode = store::RecoveryMode::Backup;
            options.backup = args->backup;
        }
        options.evenIfIntact = args->force;
        const auto report = store::recoverWorkspace(path, options);
        std::printf("%s: %s", path.c_str(), report.text().c_str());
    });

    // A run's curves as the Plots pane exports them: on steps or tokens, after its parents'.
    auto* metrics = app.add_subcommand(
        "metrics", "A run's metrics as CSV (run,metric,x,value), on steps or on tokens trained, after its parent's");
    addWorkspaceOption(*metrics, context);
    struct MetricsArgs {
        std::int64_t run = 0;
        std::vector<std::string> names;
        std::string axis = "steps";
        bool afterParent = false;
        std::string out;
    };
    auto margs = std::make_shared<MetricsArgs>();
    metrics->add_option("--run", margs->run, "The run")->required();
    metrics->add_option("--metric", margs->names, "Only these metrics (repeat it; default: every one)");
    metrics->add_option("--axis", margs->axis, "x: the step, or the tokens trained on so far (tokens_seen)")
        ->check(CLI::IsMember({"steps", "tokens"}));
    metrics->add_flag("--after-parent", margs->afterParent,
                      "A run started from another run's checkpoint continues its parent's steps (or tokens), "
                      "the parent's points up to the branching point first, as the window's After parent");
    metrics->add_option("--out", margs->out, "Write the CSV to this file (default: standard output)");
    metrics->callback([&context, margs] {
        auto ws = context.openWorkspace(/*readOnly=*/true);
        if (!store::RunStore(ws.db()).find(margs->run)) {
            throw Error("there is no run #" + std::to_string(margs->run) + " in " + ws.path().string() +
                        ": `ladder-cli runs` lists them");
        }
        std::vector<std::string> names = margs->names;
        if (names.empty()) names = store::MetricsReader(ws.db()).names(margs->run);
        const auto axis = margs->axis == "tokens" ? train::ChainAxis::Tokens : train::ChainAxis::Steps;
        std::ostringstream csv;
        csv.precision(12);
        csv << "run,metric," << (axis == train::ChainAxis::Tokens ? "tokens" : "step") << ",value\n";
        for (const auto& name : names) {
            const auto curve = train::chainedCurve(ws.db(), margs->run, name, axis, margs->afterParent);
            for (std::size_t i = 0; i < curve.x.size(); ++i) {
                csv << margs->run << ',' << name << ',' << curve.x[i] << ',';
                if (std::isfinite(curve.y[i])) csv << curve.y[i];
                csv << '\n';
            }
        }
        if (margs->out.empty()) {
            std::cout << csv.str();
            return;
        }
        model::AtomicFile file(margs->out);
        file.stream() << csv.str();
        file.commit();
        std::printf("wrote %s\n", margs->out.c_str());
    });
}

}  // namespace ladder::cli
