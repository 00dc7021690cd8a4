// ladder-cli init | info | runs: create a workspace, summarise it, list its runs.
#include <cstdio>
#include <memory>

#include "app/cli/cli_context.h"
#include "core/common/clock.h"
#include "core/store/runs.h"
#include "core/store/schema.h"

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
    runs->callback([&context] {
        auto ws = context.openWorkspace(/*readOnly=*/true);
        store::RunStore store(ws.db());
        const auto all = store.list();
        if (all.empty()) {
            std::printf("no runs yet: `ladder-cli train --workspace W --config run.json` starts one\n");
            return;
        }
        std::printf("%5s  %-9s  %-6s  %11s  %-8s  %s\n", "id", "status", "method", "step",
                    "device", "name");
        for (const auto& r : all) {
            char steps[32];
            std::snprintf(steps, sizeof steps, "%lld/%lld", static_cast<long long>(r.lastStep),
                          static_cast<long long>(r.totalSteps));
            std::printf("%5lld  %-9s  %-6s  %11s  %-8s  %s%s%s\n", static_cast<long long>(r.id),
                        store::toString(r.status), r.method.c_str(), steps, r.device.c_str(),
                        r.name.c_str(), r.message.empty() ? "" : "  -- ", r.message.c_str());
        }
    });
}

}  // namespace ladder::cli
