// ladder-cli tokenize: text on stdin to token ids on stdout, or (--decode) ids back to text, with
// a tokenizer.json, the folder that holds one, or the byte tokenizer.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include "app/cli/cli_context.h"
#include "core/common/error.h"
#include "core/tokenizer/tokenizer.h"

namespace ladder::cli {
namespace {

struct TokenizeOptions {
    std::string tokenizer;
    bool decode = false;
    bool special = false;
};

std::vector<std::int32_t> readIds(std::istream& in) {
    std::vector<std::int32_t> ids;
    std::string word;
    for (std::size_t index = 0; in >> word; ++index) {
        std::size_t used = 0;
        long long value = -1;
        try {
            value = std::stoll(word, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != word.size() || value < 0 || value > INT32_MAX) {
            throw Error("stdin: \"" + word + "\" (number " + std::to_string(index + 1) +
                        ") is not a token id: --decode reads ids separated by spaces");
        }
        ids.push_back(static_cast<std::int32_t>(value));
    }
    return ids;
}

}  // namespace

void addTokenizeCommands(CLI::App& app, CliContext& /*context*/) {
    auto options = std::make_shared<TokenizeOptions>();
    auto* tokenize = app.add_subcommand(
        "tokenize", "Print the token ids of the text on stdin (or, with --decode, the text of ids)");
    tokenize->add_option("--tokenizer,-t", options->tokenizer,
                         "A tokenizer.json, the model folder that holds it, or \"byte\"")
        ->required();
    tokenize->add_flag("--decode,-d", options->decode,
                       "Read token ids from stdin and print their text");
    tokenize->add_flag("--special,-s", options->special,
                       "Encoding: add the tokenizer's special tokens (e.g. <s>); decoding: keep "
                       "special tokens in the text (they are left out by default)");
    tokenize->callback([options] {
        const auto tok = tokenizer::loadTokenizer(options->tokenizer);
        if (options->decode) {
            const auto ids = readIds(std::cin);
            const std::string text = tok->decode(ids, /*skipSpecialTokens=*/!options->special);
            std::fwrite(text.data(), 1, text.size(), stdout);
            return;
        }
        const std::string text(std::istreambuf_iterator<char>(std::cin), {});
        const auto ids = tok->encode(text, /*addSpecialTokens=*/options->special);
        std::string line;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (i > 0) line += ' ';
            line += std::to_string(ids[i]);
        }
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stdout);
    });
}

}  // namespace ladder::cli
