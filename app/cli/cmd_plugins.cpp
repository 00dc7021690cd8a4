// ladder-cli plugins: what plugins were found, what they registered, and which failed and why.
#include <cstdio>

#include "app/cli/cli_context.h"
#include "core/plugin/plugin_host.h"

namespace ladder::cli {

void addPluginCommands(CLI::App& app, CliContext& context) {
    auto* plugins = app.add_subcommand("plugins", "List loaded plugins and what they provide");
    plugins->callback([] {
        plugin::PluginHost host;
        host.loadDefaultLocations();
        std::printf("searched:\n");
        for (const auto& dir : plugin::PluginHost::defaultLocations()) {
            std::printf("  %s\n", dir.c_str());
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
    });
}

}  // namespace ladder::cli
