#include "core/curriculum/curriculum_store.h"

#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/common/lists.h"

namespace ladder::curriculum {
namespace {

Curriculum parseStored(const std::string& name, const std::string& spec) {
    try {
        Curriculum c = Curriculum::fromJson(json::parseText(spec, "curriculum " + name));
        c.name = name;
        return c;
    } catch (const nlohmann::json::exception& e) {
        throw Error("curriculum '" + name + "' in the workspace is not valid JSON (" + e.what() +
                    "): store it again with `ladder-cli curriculum preset` or from the window");
    }
}

}  // namespace

void saveCurriculum(store::Database& db, const Curriculum& curriculum) {
    if (curriculum.name.empty()) throw Error("a curriculum needs a name to be stored");
    curriculum.throwIfInvalid();
    db.prepare(
          "INSERT INTO curricula(name, spec_json, updated_at) VALUES (?, ?, ?) "
          "ON CONFLICT(name) DO UPDATE SET spec_json = excluded.spec_json, "
          "updated_at = excluded.updated_at")
        .bind(1, curriculum.name)
        .bind(2, curriculum.toJson().dump())
        .bind(3, clock::nowIso())
        .run();
}

Curriculum loadCurriculum(store::Database& db, const std::string& name) {
    auto s = db.prepare("SELECT spec_json FROM curricula WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) {
        std::string names;
        auto all = db.prepare("SELECT name FROM curricula ORDER BY name");
        while (all.step()) text::appendItem(names, all.text(0));
        throw Error("no curriculum named '" + name + "' in this workspace; curricula: " +
                    (names.empty() ? "none (`ladder-cli curriculum preset` makes one)" : names));
    }
    return parseStored(name, s.text(0));
}

std::vector<Curriculum> listCurricula(store::Database& db) {
    std::vector<Curriculum> out;
    auto s = db.prepare("SELECT name, spec_json FROM curricula ORDER BY name");
    while (s.step()) out.push_back(parseStored(s.text(0), s.text(1)));
    return out;
}

void deleteCurriculum(store::Database& db, const std::string& name) {
    db.prepare("DELETE FROM curricula WHERE name = ?").bind(1, name).run();
    if (db.changes() == 0) throw Error("no curriculum named '" + name + "' in this workspace");
}

}  // namespace ladder::curriculum
