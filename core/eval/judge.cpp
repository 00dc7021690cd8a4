// The judge registry: the built-in judges and those plugins add, by name.
#include "core/eval/judge.h"

#include <algorithm>

#include "core/common/lists.h"
#include "core/common/log.h"
#include "core/eval/builtin_judges.h"
#include "core/eval/local_judge.h"
#include "core/plugin/plugin_api.h"

namespace ladder::eval {

JudgeRegistry::JudgeRegistry() {
    add("demo", makeDemoTaskJudge, "built-in");
    add("command", makeCommandJudge, "built-in");
    add("imported", makeImportedVerdictJudge, "built-in");
    add("local", makeLocalModelJudge, "built-in");
}

void JudgeRegistry::add(const std::string& name, JudgeFactory factory, const std::string& origin) {
    const auto probe = factory();
    if (!probe) throw Error("judge factory '" + name + "' (" + origin + ") made no judge");
    std::lock_guard lock(m_mutex);
    for (const auto& e : m_entries) {
        if (e.name == name) throw Error("a judge named '" + name + "' is already registered");
    }
    m_entries.push_back({name, probe->description(), origin, std::move(factory)});
}

std::unique_ptr<Judge> JudgeRegistry::create(const std::string& name) const {
    std::lock_guard lock(m_mutex);
    for (const auto& e : m_entries) {
        if (e.name == name) return e.create();
    }
    const std::string known =
        text::join(m_entries, ", ", [](const JudgeEntry& e) -> std::string_view { return e.name; });
    throw Error("unknown judge '" + name + "' (known: " + known +
                "; plugins add more, such as `length` from the ladder-judges plugin: see "
                "`ladder-cli plugins`)");
}

bool JudgeRegistry::contains(const std::string& name) const {
    std::lock_guard lock(m_mutex);
    return std::any_of(m_entries.begin(), m_entries.end(),
                       [&](const JudgeEntry& e) { return e.name == name; });
}

std::vector<JudgeEntry> JudgeRegistry::entries() const {
    std::lock_guard lock(m_mutex);
    return m_entries;
}

JudgeRegistry& judgeRegistry() {
    static JudgeRegistry registry;
    return registry;
}

int registerPluginJudges(const plugin::Registrar& registrar, JudgeRegistry& registry) {
    int added = 0;
    for (const auto& f : registrar.judges()) {
        if (registry.contains(f.name)) {
            log::get("eval")->warn("plugin judge '{}' skipped: a judge of that name exists",
                                   f.name);
            continue;
        }
        registry.add(f.name, f.create, "plugin");
        ++added;
    }
    return added;
}

std::unique_ptr<Judge> makeJudge(const std::string& name, const nlohmann::json& options,
                                 const JudgeContext& context) {
    auto judge = judgeRegistry().create(name);
    judge->configure(options, context);
    return judge;
}

}  // namespace ladder::eval
