// The plugin interface: a shared library that names itself and registers factories for importers,
// preference losses and judges. Built against this header; the host refuses another API version.
//
// A plugin is a .so with two C entry points, best written with LADDER_PLUGIN below:
//
//     LADDER_PLUGIN("my-importers", "importer", "1.0.0") {
//         registrar.addImporter("my-format", [] { return std::make_unique<MyImporter>(); });
//     }
//
// It is loaded from the install directory (lib/ladder/plugins) and from ~/.local/share/ladder/plugins.
// Plugins must be built with the same compiler and standard library as Ladder (C++ types cross the
// boundary); kPluginApiVersion changes whenever this header or a registered interface changes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ladder::data {
class Importer;
}
namespace ladder::train {
class PreferenceLoss;
}
namespace ladder::eval {
class Judge;
}

namespace ladder::plugin {

inline constexpr int kPluginApiVersion = 2;  // 2: PreferenceLoss::knobs()

struct PluginInfo {
    std::string name;     // "ladder-importers"
    std::string kind;     // "importer", "loss", "judge" (or several, comma-separated)
    std::string version;  // the plugin's own version
    int apiVersion = kPluginApiVersion;
};

template <typename T>
struct Factory {
    std::string name;
    std::function<std::unique_ptr<T>()> create;
};

// What a plugin hands its factories to. Each module's registry reads them back after loading.
class Registrar {
public:
    void addImporter(std::string name, std::function<std::unique_ptr<data::Importer>()> create) {
        m_importers.push_back({std::move(name), std::move(create)});
    }
    void addLoss(std::string name, std::function<std::unique_ptr<train::PreferenceLoss>()> create) {
        m_losses.push_back({std::move(name), std::move(create)});
    }
    void addJudge(std::string name, std::function<std::unique_ptr<eval::Judge>()> create) {
        m_judges.push_back({std::move(name), std::move(create)});
    }

    [[nodiscard]] const std::vector<Factory<data::Importer>>& importers() const { return m_importers; }
    [[nodiscard]] const std::vector<Factory<train::PreferenceLoss>>& losses() const { return m_losses; }
    [[nodiscard]] const std::vector<Factory<eval::Judge>>& judges() const { return m_judges; }

private:
    std::vector<Factory<data::Importer>> m_importers;
    std::vector<Factory<train::PreferenceLoss>> m_losses;
    std::vector<Factory<eval::Judge>> m_judges;
};

}  // namespace ladder::plugin

// The C entry points the host looks up with dlsym.
extern "C" {
using LadderPluginApiVersionFn = int (*)();
using LadderPluginDescribeFn = void (*)(ladder::plugin::PluginInfo*);
using LadderPluginRegisterFn = void (*)(ladder::plugin::Registrar*);
}

#define LADDER_PLUGIN(NAME, KIND, VERSION)                                                      \
    static void ladderPluginRegister(ladder::plugin::Registrar& registrar);                   \
    extern "C" __attribute__((visibility("default"))) int ladder_plugin_api_version() {        \
        return ladder::plugin::kPluginApiVersion;                                              \
    }                                                                                          \
    extern "C" __attribute__((visibility("default"))) void ladder_plugin_describe(             \
        ladder::plugin::PluginInfo* info) {                                                    \
        info->name = NAME;                                                                     \
        info->kind = KIND;                                                                     \
        info->version = VERSION;                                                               \
        info->apiVersion = ladder::plugin::kPluginApiVersion;                                  \
    }                                                                                          \
    extern "C" __attribute__((visibility("default"))) void ladder_plugin_register(             \
        ladder::plugin::Registrar* registrar) {                                                \
        ladderPluginRegister(*registrar);                                                      \
    }                                                                                          \
    static void ladderPluginRegister(ladder::plugin::Registrar& registrar)
