// bench_tokenizer: tokenizes about 10 MB of English text on one thread and prints MB/s and
// tokens/s for a tokenizer.json (GPT-2 by default) and for the byte tokenizer.
// Text: the "output" fields of shared/data/alpaca_eval/*.model_outputs.json, repeated.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tokenizer/byte_tokenizer.h"
#include "core/tokenizer/tokenizer.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kTargetBytes = 10u << 20;

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::vector<std::string> alpacaOutputs(const fs::path& folder) {
    std::vector<std::string> docs;
    if (!fs::is_directory(folder)) return docs;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder)) {
        if (entry.path().string().ends_with(".model_outputs.json")) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        for (const auto& row : nlohmann::json::parse(readFile(file))) {
            if (row.contains("output") && row["output"].is_string()) {
                docs.push_back(row["output"].get<std::string>());
            }
        }
    }
    return docs;
}

// CPU time of this thread: the figure that stays put when other programs share the cores.
double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Result {
    double seconds = 0;
    double cpuSeconds = 0;
    std::size_t bytes = 0;
    std::size_t tokens = 0;
};

// Encodes docs in order, cycling, until kTargetBytes have been encoded; the first cycle also
// reports its own figure (every word is new to the word cache there).
Result run(const ladder::tokenizer::Tokenizer& tok, const std::vector<std::string>& docs,
           std::size_t limitBytes) {
    Result r;
    const auto start = Clock::now();
    const double cpuStart = threadCpuSeconds();
    while (r.bytes < limitBytes) {
        for (const std::string& doc : docs) {
            r.tokens += tok.encode(doc).size();
            r.bytes += doc.size();
            if (r.bytes >= limitBytes) break;
        }
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.cpuSeconds = threadCpuSeconds() - cpuStart;
    return r;
}

void print(const char* label, const Result& r) {
    std::printf("%-34s %6.2f MB, %8zu tokens: %7.1f MB/s, %6.2f M tokens/s "
                "(CPU %.3f s; wall %.3f s: %.1f MB/s)\n",
                label, r.bytes / 1e6, r.tokens, r.bytes / 1e6 / r.cpuSeconds,
                r.tokens / 1e6 / r.cpuSeconds, r.cpuSeconds, r.seconds, r.bytes / 1e6 / r.seconds);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        // bench_tokenizer [tokenizer.json [text-file]]  or  bench_tokenizer --shared DIR
        fs::path shared = LADDER_SHARED_DIR;
        if (const char* env = std::getenv("LADDER_SHARED_DIR"); env && *env) shared = env;
        fs::path tokenizerPath;
        fs::path textPath;
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            if (arg == "--help" || arg == "-h") {
                std::printf("usage: %s [TOKENIZER.json [TEXT_FILE]]  or  %s --shared DIR\n"
                            "  GPT-2 byte-level BPE throughput, one thread; default: the\n"
                            "  shared GPT-2 tokenizer on the shared AlpacaEval answers\n"
                            "  ($LADDER_SHARED_DIR)\n",
                            argv[0], argv[0]);
                return 0;
            }
            if (arg == "--shared" && i + 1 < argc) {
                shared = argv[++i];
            } else if (tokenizerPath.empty()) {
                tokenizerPath = arg;
            } else {
                textPath = arg;
            }
        }
        if (tokenizerPath.empty()) tokenizerPath = shared / "data/tokenizers/gpt2/tokenizer.json";
        std::vector<std::string> docs;
        if (!textPath.empty()) {
            docs.push_back(readFile(textPath));
        } else {
            docs = alpacaOutputs(shared / "data/alpaca_eval");
        }
        if (docs.empty() || !fs::exists(tokenizerPath)) {
            std::fprintf(stderr,
                         "bench_tokenizer needs a tokenizer.json and English text: run it as\n"
                         "  bench_tokenizer TOKENIZER.json TEXT_FILE\n"
                         "or point --shared (or $LADDER_SHARED_DIR) at a folder with "
                         "data/tokenizers/gpt2/tokenizer.json and data/alpaca_eval/\n");
            return 2;
        }
        std::size_t corpusBytes = 0;
        for (const auto& d : docs) corpusBytes += d.size();
        std::printf("text: %zu documents, %.2f MB, cycled to %.1f MB\n", docs.size(),
                    corpusBytes / 1e6, kTargetBytes / 1e6);

        const auto loadStart = Clock::now();
        const auto bpe = ladder::tokenizer::loadTokenizer(tokenizerPath);
        std::printf("loaded %s (%s, %d tokens) in %.3f s\n", tokenizerPath.c_str(),
                    bpe->kind().c_str(), bpe->vocabSize(),
                    std::chrono::duration<double>(Clock::now() - loadStart).count());
        print("bpe, first pass (cold word cache)", run(*bpe, docs, corpusBytes));
        const auto fresh = ladder::tokenizer::loadTokenizer(tokenizerPath);
        print("bpe, 10 MB from a fresh tokenizer", run(*fresh, docs, kTargetBytes));
        const ladder::tokenizer::ByteTokenizer bytes;
        print("byte tokenizer, 10 MB", run(bytes, docs, kTargetBytes));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
