// ladder-cli plugins: what plugins were found, what they registered, which failed and why, and the
// judges and losses a run can name (built-in and from plugins).
#include <cstdio>

#include "app/cli/cli_context.h"
#include "core/eval/judge.h"
#include "core/plugin/plugin_host.h"
#include "core/train/loss_catalog.h"
#include "core/train/plugins.h"

namespace ladder::cli {

void addPluginCommands(CLI::App& app, CliContext& context) {
    auto* plugins = app.add_subcommand("plugins", "List loaded plugins, judges and losses");
    plugins->callback([] {
        const plugin::PluginHost& host = train::loadPlugins();
        std::printf("searched:\n");
        for (const auto& dir : plugin::PluginHost::defaultLocations()) {
            std::printf("  %s\n", dir.c_str());
        }
        for (const auto& why : plugin::PluginHost::skippedLocations()) {
            std::printf("not searched: %s\n", why.c_str());
        }
        std::printf("loaded (plugin API %d):\n", plugin::kPluginApiVersion);
        if (host.loaded().empty()) std::printf("  none\n");
        for (const auto& p : host.loaded()) {
            std::printf("  %-24s %-10s %-8s %s\n", p.info.name.c_str(), p.info.kind.c_str(),
                        p.info.version.c_str(), p.file.c_str());
        }
        const auto& r = host.registrar();
        for (const auto& f : r.importers()) std::printf("  importer  %s\n", f.name.c_str());
        for (const auto& f : r.losses()) std::printf("  loss      %s\n", f.name.c_str());
        for (const auto& f : r.judges()) std::printf("  judge     %s\n", f.name.c_str());
        for (const auto& e : host.errors()) {
            std::printf("failed: %s: %s\n", e.file.c_str(), e.message.c_str());
        }
        std::printf("judges (ladder-cli eval --judge NAME):\n");
        for (const auto& j : eval::judgeRegistry().entries()) {
            std::printf("  %-12s %-9s %s\n", j.name.c_str(), j.origin.c_str(),
                        j.description.c_str());
        }
        std::printf("losses (a run config's method):\n");
        for (const auto& loss : train::lossCatalog()) {
            std::printf("  %-12s %s\n", loss.name.c_str(), loss.description.c_str());
        }
    });
}

}  // namespace ladder::cli
