// How prompts are identified across files: the normalised instruction + input (never the row
// position), and the deterministic train/held-out split that follows from it.
#pragma once

#include <string>
#include <string_view>

namespace ladder::data {

// NFC, white space folded, instruction and input joined by "\n" (folding removed every other
// newline, so the join cannot be confused with text). Throws ladder::Error on invalid UTF-8.
[[nodiscard]] std::string matchKey(std::string_view instruction, std::string_view input);

// A number in [0, 1) fixed by the match key: the same prompt lands in the same split in every
// build, on every machine, whatever else the workspace holds.
[[nodiscard]] double splitScore(std::string_view matchKey);

// "heldout" when splitScore(matchKey) < heldoutFraction, else "train".
[[nodiscard]] const char* splitFor(std::string_view matchKey, double heldoutFraction);

}  // namespace ladder::data
