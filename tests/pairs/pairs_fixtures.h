// Helpers of the pairs tests: answers of a source written as a JSONL fixture and imported.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/data/data_fixtures.h"

namespace ladder::test {

using Answers = std::vector<std::pair<std::string, std::string>>;  // (instruction, answer)

inline data::ImportResult importAnswers(WorkspaceFixture& f, const std::string& source,
                                        const Answers& answers) {
    std::string jsonl;
    for (const auto& [instruction, output] : answers) {
        jsonl += nlohmann::json{{"instruction", instruction}, {"output", output}, {"model", source}}
                     .dump() +
                 "\n";
    }
    return f.importText(source + ".jsonl", jsonl);
}

}  // namespace ladder::test
