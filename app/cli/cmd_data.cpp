// ladder-cli import | datasets | sources | ladder: bring answers into a workspace, see what is
// there, and rank the sources into ladders.
#include <cmath>
#include <cstdio>
#include <memory>

#include "app/cli/cli_context.h"
#include "core/common/error.h"
#include "core/data/catalog.h"
#include "core/data/dataset_import.h"
#include "core/data/file_preview.h"
#include "core/data/importer_registry.h"
#include "core/pairs/ladder.h"
#include "core/pairs/training_pairs.h"
#include "core/train/plugins.h"

namespace ladder::cli {
namespace {

struct ImportArgs {
    std::vector<std::string> files;
    std::string format;
    std::string source;
    std::string name;
    std::string onBadRow = "abort";
    double heldout = 0.05;
    bool listFormats = false;
    bool dryRun = false;
};

void listFormats() {
    std::printf("import formats (--format NAME; detected from the first record when omitted):\n");
    for (const auto& e : data::ImporterRegistry::instance().entries()) {
        std::printf("  %-24s %-9s %-8s %s\n", e.name.c_str(), data::toString(e.kind),
                    e.origin.c_str(), e.description.c_str());
    }
}

void runImport(const CliContext& context, const ImportArgs& args) {
    train::loadPlugins();
    if (args.listFormats) {
        listFormats();
        return;
    }
    if (args.files.empty()) throw Error("import needs at least one FILE (or --list-formats)");
    if (!args.name.empty() && args.files.size() > 1) {
        throw Error("--name names one dataset: import the files one at a time to name each");
    }
    data::ImportOptions options;
    options.format = args.format;
    options.sourceOverride = args.source;
    options.datasetName = args.name;
    options.onBadRow = data::badRowPolicyFromString(args.onBadRow);
    options.heldoutFraction = args.heldout;
    if (args.dryRun) {
        for (const std::string& file : args.files) {
            std::fputs(data::renderFilePreview(data::previewFile(file, options)).c_str(), stdout);
        }
        return;
    }
    auto ws = context.openOrCreateWorkspace();
    double seconds = 0;
    int fresh = 0;
    for (const std::string& file : args.files) {
        const auto result = data::importFile(ws.db(), file, options);
        std::fputs(data::renderImportResult(result).c_str(), stdout);
        seconds += result.seconds;
        fresh += result.alreadyImported ? 0 : 1;
    }
    if (args.files.size() > 1) {
        std::printf("%d of %zu files imported in %.2f s\n", fresh, args.files.size(), seconds);
    }
}

void printDatasets(const CliContext& context) {
    auto ws = context.openWorkspace(/*readOnly=*/true);
    const auto all = data::listDatasets(ws.db());
    if (all.empty()) {
        std::printf("no datasets yet: `ladder-cli import FILE` adds one\n");
        return;
    }
    std::printf("%4s  %-28s %-24s %-9s %8s %8s %8s %8s\n", "id", "name", "format", "kind", "rows",
                "skipped", "answers", "pairs");
    for (const auto& d : all) {
        std::printf("%4lld  %-28s %-24s %-9s %8lld %8lld %8lld %8lld\n",
                    static_cast<long long>(d.id), d.name.c_str(), d.format.c_str(),
                    data::toString(d.kind), static_cast<long long>(d.rows),
                    static_cast<long long>(d.skippedRows), static_cast<long long>(d.responses),
                    static_cast<long long>(d.pairs));
    }
}

void printSources(const CliContext& context) {
    auto ws = context.openWorkspace(/*readOnly=*/true);
    auto all = data::listSources(ws.db());
    data::addAnswerLengths(ws.db(), all);
    if (all.empty()) {
        std::printf("no sources yet: import model answers first (`ladder-cli import FILE`)\n");
        return;
    }
    // Answer lengths in characters (code points), as the Sources pane shows them.
    std::printf("%-36s %8s %8s %12s %17s %s\n", "source", "answers", "prompts", "median chars",
                "shortest-longest", "(in pair/verdict files)");
    for (const auto& s : all) {
        char median[32];
        std::snprintf(median, sizeof median, s.medianChars == std::floor(s.medianChars) ? "%.0f" : "%.1f",
                      s.medianChars);
        const std::string range = s.answers > 0 ? std::to_string(s.shortestChars) + "-" + std::to_string(s.longestChars)
                                                : "-";
        std::printf("%-36s %8lld %8lld %12s %17s %lld\n", s.name.c_str(), static_cast<long long>(s.answers),
                    static_cast<long long>(s.prompts), s.answers > 0 ? median : "-", range.c_str(),
                    static_cast<long long>(s.otherResponses));
    }
}

void addLadderCommands(CLI::App& app, CliContext& context) {
    auto* ladderCmd = app.add_subcommand("ladder", "Rank sources into a capability ladder");
    ladderCmd->require_subcommand(1);

    struct SetArgs {
        std::string name;
        std::vector<std::string> ranks;
    };
    auto set = std::make_shared<SetArgs>();
    auto* setCmd = ladderCmd->add_subcommand(
        "set",
        "Store a ladder: strongest first; A=B ties two sources (e.g. `set main gpt4 "
        "gpt-3.5-turbo-0301 text_davinci_003 text_davinci_001`, or \"a > b = c\")");
    addWorkspaceOption(*setCmd, context);
    setCmd->add_option("name", set->name, "Ladder name")->required();
    setCmd->add_option("sources", set->ranks, "Sources, strongest first (A=B for a tie)")
        ->required();
    setCmd->callback([&context, set] {
        auto ws = context.openWorkspace();
        const bool oneSpec = set->ranks.size() == 1 && set->ranks[0].find('>') != std::string::npos;
        const pairs::Ladder ladder = oneSpec ? pairs::parseLadder(set->name, set->ranks[0])
                                             : pairs::parseLadder(set->name, set->ranks);
        const auto id = pairs::saveLadder(ws.db(), ladder);
        std::printf("ladder %s (#%lld): %s\n", ladder.name.c_str(), static_cast<long long>(id),
                    ladder.describe().c_str());
        for (const auto& t : pairs::tiersOf(ladder)) {
            std::printf("  tier %-44s gap %d, difficulty %.2f\n", t.name.c_str(), t.rankGap,
                        t.difficulty);
        }
        std::printf("next: `ladder-cli pairs build --ladder %s`\n", ladder.name.c_str());
    });

    auto* listCmd = ladderCmd->add_subcommand("list", "List the ladders and their pairs");
    addWorkspaceOption(*listCmd, context);
    listCmd->callback([&context] {
        auto ws = context.openWorkspace(/*readOnly=*/true);
        const auto all = pairs::listLadders(ws.db());
        if (all.empty()) std::printf("no ladders yet: `ladder-cli ladder set NAME A B C`\n");
        for (const auto& l : all) {
            std::int64_t n = 0;
            for (const auto& t : pairs::tierCounts(ws.db(), {.ladderId = l.id})) {
                n += t.train + t.heldout;
            }
            std::printf("%-20s %-60s %lld pairs\n", l.name.c_str(), l.describe().c_str(),
                        static_cast<long long>(n));
        }
    });

    auto name = std::make_shared<std::string>();
    auto* deleteCmd = ladderCmd->add_subcommand("delete", "Remove a ladder and its pairs");
    addWorkspaceOption(*deleteCmd, context);
    deleteCmd->add_option("name", *name, "Ladder name")->required();
    deleteCmd->callback([&context, name] {
        auto ws = context.openWorkspace();
        pairs::deleteLadder(ws.db(), *name);
        std::printf("removed ladder %s and its pairs\n", name->c_str());
    });
}

}  // namespace

void addDataCommands(CLI::App& app, CliContext& context) {
    auto args = std::make_shared<ImportArgs>();
    auto* import = app.add_subcommand(
        "import",
        "Import answers, pairs or judge verdicts (JSON/JSONL); one transaction per "
        "file, and a file imported before is skipped");
    addWorkspaceOption(*import, context);
    import->add_option("files", args->files, "Files to import");
    import->add_option("--format", args->format, "Importer name (see --list-formats)");
    import->add_option("--source", args->source,
                       "The model that wrote every answer (files without a model field); for a "
                       "verdict file without `annotator`, the judge's name");
    import->add_option("--name", args->name, "Dataset name (default: the file name)");
    import
        ->add_option("--on-bad-row", args->onBadRow,
                     "abort: stop at the first bad row, importing nothing; skip: leave bad "
                     "rows out and list them")
        ->check(CLI::IsMember({"abort", "skip"}));
    import
        ->add_option("--heldout", args->heldout,
                     "Share of imported pairs' prompts held out for evaluation")
        ->check(CLI::Range(0.0, 0.99));
    import->add_flag("--list-formats", args->listFormats, "List the import formats and exit");
    import->add_flag("--dry-run", args->dryRun,
                     "Read the files and print what importing them would give (format, rows, "
                     "sources, first rows, bad rows); write nothing");
    import->callback([&context, args] { runImport(context, *args);
});

auto* datasets = app.add_subcommand("datasets", "List the imported datasets");
addWorkspaceOption(*datasets, context);
datasets->callback([&context] { printDatasets(context); });

auto* sources = app.add_subcommand("sources", "List the sources (models) and their answers");
addWorkspaceOption(*sources, context);
sources->callback([&context] { printSources(context); });

addLadderCommands(app, context);
}  // namespace ladder::cli

}  // namespace ladder::cli
