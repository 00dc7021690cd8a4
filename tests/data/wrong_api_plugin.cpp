// A test plugin that claims plugin API 999: the host must refuse it and say why.
#include "core/plugin/plugin_api.h"

extern "C" __attribute__((visibility("default"))) int ladder_plugin_api_version() {
    return 999;
}
extern "C" __attribute__((visibility("default"))) void ladder_plugin_describe(
    ladder::plugin::PluginInfo* info) {
    info->name = "from-the-future";
    info->kind = "importer";
    info->version = "9.9.9";
    info->apiVersion = 999;
}
extern "C" __attribute__((visibility("default"))) void ladder_plugin_register(
    ladder::plugin::Registrar*) {}
