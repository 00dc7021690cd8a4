#include "core/data/builtin_importers.h"

namespace ladder::data {

Importer::~Importer() = default;

void addBuiltinImporters(plugin::Registrar& registrar) {
    using Make = std::unique_ptr<Importer> (*)();
    for (Make make : {&makeAlpacaEvalImporter, &makeInstructionImporter,
                      &makeAlpacaAnnotationsImporter, &makeTrlImporter, &makeHhRlhfImporter,
                      &makeShareGptImporter, &makeOpenAiPreferenceImporter}) {
        registrar.addImporter(make()->name(), make);
    }
}

}  // namespace ladder::data
