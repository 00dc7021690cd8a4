#include "core/plugin/plugin_host.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "core/common/log.h"
#include "core/common/paths.h"

namespace ladder::plugin {
namespace fs = std::filesystem;

PluginHost::~PluginHost() = default;

namespace {

// The LADDER_PLUGIN_PATH entries; relative ones (an empty entry means the current folder) go
// to *skipped: plugins never come from wherever the program happens to be started.
std::vector<fs::path> pluginPathEntries(std::vector<std::string>* skipped) {
    std::vector<fs::path> out;
    const char* env = std::getenv("LADDER_PLUGIN_PATH");
    if (!env || !*env) return out;
    const std::string all(env);
    std::size_t start = 0;
    while (start <= all.size()) {
        const std::size_t end = std::min(all.find(':', start), all.size());
        const std::string entry = all.substr(start, end - start);
        if (!entry.empty() && entry.front() == '/') {
            out.emplace_back(entry);
        } else if (skipped) {
            skipped->push_back("LADDER_PLUGIN_PATH entry '" + entry +
                               "' is not an absolute folder: not searched (give /full/paths)");
        }
        start = end + 1;
    }
    return out;
}

// A plugin file, and the folder it is in, that only this user (or root) can change: anyone else
// who can write there could make Ladder run their code.
std::string unsafeBecause(const fs::path& file) {
    for (const fs::path& p : {file, file.parent_path()}) {
        struct stat st {};
        if (::stat(p.c_str(), &st) != 0) return "cannot be inspected";
        if (st.st_uid != ::getuid() && st.st_uid != 0) {
            return p.string() + " belongs to another user";
        }
        if ((st.st_mode & 0022) != 0) {
            return p.string() + " can be written by other users (chmod go-w it to load it)";
        }
    }
    return {};
}

}  // namespace

std::vector<fs::path> PluginHost::defaultLocations() {
    std::vector<fs::path> out = pluginPathEntries(nullptr);
    if (const fs::path exe = paths::executableDir(); !exe.empty()) {
        // bin/../lib/ladder/plugins, in an install and in the build tree alike
        out.push_back((exe / ".." / "lib" / "ladder" / "plugins").lexically_normal());
    }
    if (const fs::path user = paths::userPluginDir(); !user.empty()) out.push_back(user);
    return out;
}

std::vector<std::string> PluginHost::skippedLocations() {
    std::vector<std::string> out;
    (void)pluginPathEntries(&out);
    if (paths::userPluginDir().empty()) {
        out.push_back("no home folder (HOME is unset and the password database has none): user "
                      "plugins are not loaded; set HOME, or list plugin folders in "
                      "LADDER_PLUGIN_PATH");
    }
    return out;
}

bool PluginHost::load(const fs::path& file) {
    auto log = log::get("plugin");
    auto fail = [&](std::string message) {
        log->warn("plugin {}: {}", file.string(), message);
        m_errors.push_back({file, std::move(message)});
        return false;
    };
    for (const LoadedPlugin& p : m_loaded) {
        std::error_code ec;
        if (fs::equivalent(p.file, file, ec)) return true;
    }

    void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return fail(std::string("cannot be loaded: ") + ::dlerror());

    auto apiVersion =
        reinterpret_cast<LadderPluginApiVersionFn>(::dlsym(handle, "ladder_plugin_api_version"));
    auto describe =
        reinterpret_cast<LadderPluginDescribeFn>(::dlsym(handle, "ladder_plugin_describe"));
    auto registerFn =
        reinterpret_cast<LadderPluginRegisterFn>(::dlsym(handle, "ladder_plugin_register"));
    if (!apiVersion || !describe || !registerFn) {
        ::dlclose(handle);
        return fail("is not a Ladder plugin (no ladder_plugin_* entry points; "
                    "write it with the LADDER_PLUGIN macro of core/plugin/plugin_api.h)");
    }
    if (const int v = apiVersion(); v != kPluginApiVersion) {
        ::dlclose(handle);
        return fail("was built against Ladder plugin API " + std::to_string(v) +
                    ", this Ladder has API " + std::to_string(kPluginApiVersion) +
                    ": rebuild the plugin against this Ladder's headers, or remove it");
    }
    PluginInfo info;
    try {
        describe(&info);
        Registrar scratch;
        registerFn(&scratch);
        for (const auto& f : scratch.importers()) m_registrar.addImporter(f.name, f.create);
        for (const auto& f : scratch.losses()) m_registrar.addLoss(f.name, f.create);
        for (const auto& f : scratch.judges()) m_registrar.addJudge(f.name, f.create);
    } catch (const std::exception& e) {
        // The handle stays open: factories it registered before throwing may point into it.
        m_handles.push_back(handle);
        return fail(std::string("failed while registering: ") + e.what());
    }
    m_handles.push_back(handle);
    log->info("loaded plugin {} {} ({}) from {}", info.name, info.version, info.kind,
              file.string());
    m_loaded.push_back({std::move(info), file});
    return true;
}

int PluginHost::loadDirectory(const fs::path& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) return 0;
    std::set<fs::path> files;  // sorted: the load order does not depend on the file system
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".so") files.insert(entry.path());
    }
    int count = 0;
    for (const fs::path& f : files) {
        if (const std::string why = unsafeBecause(f); !why.empty()) {
            log::get("plugin")->warn("plugin {} not loaded: {}", f.string(), why);
            m_errors.push_back({f, "not loaded: " + why});
            continue;
        }
        count += load(f) ? 1 : 0;
    }
    return count;
}

int PluginHost::loadDefaultLocations() {
    for (const std::string& why : skippedLocations()) log::get("plugin")->warn("{}", why);
    int count = 0;
    std::set<fs::path> seen;
    for (const fs::path& dir : defaultLocations()) {
        std::error_code ec;
        fs::path canonical = fs::weakly_canonical(dir, ec);
        if (!seen.insert(ec ? dir : canonical).second) continue;
        count += loadDirectory(dir);
    }
    return count;
}

}  // namespace ladder::plugin
