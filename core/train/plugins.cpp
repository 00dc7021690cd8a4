#include "core/train/plugins.h"

#include <memory>

#include "core/data/importer_registry.h"
#include "core/eval/judge.h"
#include "core/plugin/plugin_host.h"
#include "core/train/loss.h"

namespace ladder::train {

const plugin::PluginHost& loadPlugins() {
    static const std::unique_ptr<plugin::PluginHost> host = [] {
        auto h = std::make_unique<plugin::PluginHost>();
        h->loadDefaultLocations();
        data::registerPluginImporters(h->registrar());
        registerPluginLosses(h->registrar());
        eval::registerPluginJudges(h->registrar());
        return h;
    }();
    return *host;
}

}  // namespace ladder::train
