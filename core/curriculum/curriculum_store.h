// Curricula stored in the workspace (table `curricula`, the JSON of Curriculum::toJson()).
#pragma once

#include <string>
#include <vector>

#include "core/curriculum/curriculum.h"
#include "core/store/database.h"

namespace ladder::curriculum {

// Stores (or replaces) a curriculum under its name after checking it (without pair counts).
void saveCurriculum(store::Database& db, const Curriculum& curriculum);
// Throws ladder::Error listing the stored names when there is none of that name.
[[nodiscard]] Curriculum loadCurriculum(store::Database& db, const std::string& name);
[[nodiscard]] std::vector<Curriculum> listCurricula(store::Database& db);
void deleteCurriculum(store::Database& db, const std::string& name);

}  // namespace ladder::curriculum
