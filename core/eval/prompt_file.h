// Prompts from a file, for `ladder-cli generate-source --prompts FILE`: a JSON array or JSON Lines
// of {instruction or prompt, input?, category or dataset?} or {messages: [...]} (a conversation
// whose last turn is the user's), or a text file (.txt) of one prompt per line. Prompts the
// workspace does not hold yet are added to it, in one transaction; none is added when a row is bad.
#pragma once

#include <filesystem>
#include <vector>

#include "core/eval/eval_prompts.h"
#include "core/store/database.h"

namespace ladder::eval {

// The file's prompts in file order, each once (a prompt is the same prompt when its match key is:
// data::matchKey), with their workspace ids. Throws ladder::Error naming the file, and the row,
// line and field of the first bad rows, when it cannot be read or has no prompt.
[[nodiscard]] std::vector<EvalPrompt> promptsFromFile(store::Database& db,
                                                      const std::filesystem::path& file);

}  // namespace ladder::eval
