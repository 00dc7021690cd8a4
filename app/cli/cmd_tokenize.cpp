// ladder-cli tokenize: text on stdin to token ids on stdout, or (--decode) ids back to text, with
// a tokenizer.json, the folder that holds one, or the byte tokenizer. --lines does many texts in
// one call (the oracle tests pass thousands: loading LibTorch costs more than tokenizing them).
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli/cli_context.h"
#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/tokenizer/tokenizer.h"

namespace ladder::cli {
namespace {

struct TokenizeOptions {
    std::string tokenizer;
    bool decode = false;
    bool special = false;
    bool lines = false;
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

std::string idLine(const std::vector<std::int32_t>& ids) {
    std::string line;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) line += ' ';
        line += std::to_string(ids[i]);
    }
    line += '\n';
    return line;
}

void write(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// --lines: one JSON string per stdin line in, one line of ids out (or, with --decode, one line of
// ids in and one JSON string out; bytes that are not UTF-8 come out as U+FFFD, as in Hugging Face).
void runLines(const tokenizer::Tokenizer& tok, const TokenizeOptions& options) {
    std::string line;
    for (std::size_t number = 1; std::getline(std::cin, line); ++number) {
        if (options.decode) {
            std::istringstream in(line);
            const auto ids = readIds(in);
            const std::string text = tok.decode(ids, /*skipSpecialTokens=*/!options.special);
            write(nlohmann::json(text).dump(-1, ' ', /*ensure_ascii=*/false,
                                            nlohmann::json::error_handler_t::replace) +
                  '\n');
            continue;
        }
        const nlohmann::json text = json::parseOrDiscarded(line);
        if (!text.is_string()) {
            throw Error("stdin line " + std::to_string(number) + " is " +
                        (text.is_discarded() ? std::string("not JSON")
                                             : std::string("a JSON ") + text.type_name()) +
                        ": --lines reads one JSON string per line (\"text\\n\" for a text with "
                        "a newline)");
        }
        write(idLine(tok.encode(text.get<std::string>(), /*addSpecialTokens=*/options.special)));
    }
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
    tokenize->add_flag("--lines,-l", options->lines,
                       "Many texts: each stdin line is a JSON string (with --decode, a line of "
                       "ids) and each gives one line of output (with --decode, a JSON string)");
    tokenize->callback([options] {
        const auto tok = tokenizer::loadTokenizer(options->tokenizer);
        if (options->lines) {
            runLines(*tok, *options);
            return;
        }
        if (options->decode) {
            const auto ids = readIds(std::cin);
            const std::string text = tok->decode(ids, /*skipSpecialTokens=*/!options->special);
            write(text);
            return;
        }
        const std::string text(std::istreambuf_iterator<char>(std::cin), {});
        write(idLine(tok->encode(text, /*addSpecialTokens=*/options->special)));
    });
}

}  // namespace ladder::cli
