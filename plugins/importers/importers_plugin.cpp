// The ladder-importers plugin: registers Ladder's importers through the plugin interface.
// ladder::data registers the same importers itself when this plugin is absent
// (importer_registry.h).
#include "core/common/version.h"
#include "core/data/builtin_importers.h"
#include "core/plugin/plugin_api.h"

LADDER_PLUGIN("ladder-importers", "importer", ladder::kVersion) {
    ladder::data::addBuiltinImporters(registrar);
}
