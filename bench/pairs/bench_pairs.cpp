// Benchmark: import 4 synthetic JSONL files of 52,000 answers each (Alpaca-sized) and build pairs
// with a 4-rung ladder; prints the seconds of each phase. Target: under 5 s for import + build on
// the 2-core development machine. Usage: bench_pairs [prompts] [folder to write the files in]
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/paths.h"
#include "core/common/random.h"
#include "core/data/dataset_import.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_builder.h"
#include "core/store/workspace.h"
#include "bench/bench_args.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kSources[] = {"model-xl", "model-l", "model-m", "model-s"};
constexpr const char* kWords[] = {"the",    "model", "answer", "data",  "pair",    "train",
                                  "ladder", "rank",  "prompt", "write", "explain", "list",
                                  "short",  "story", "about",  "three", "reasons", "why"};

std::string words(ladder::random::Stream& rng, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) {
        if (i > 0) out += ' ';
        out += kWords[rng.below(std::size(kWords))];
    }
    return out;
}

double since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Processor time of this process: on a shared machine it says what the work costs when wall time
// also counts other programs.
double cpuSeconds() {
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

// One JSONL file per source; answers of stronger sources are a little longer, as in real data.
void writeFiles(const fs::path& dir, int prompts) {
    for (int s = 0; s < 4; ++s) {
        std::ofstream out(dir / (std::string(kSources[s]) + ".jsonl"));
        for (int p = 0; p < prompts; ++p) {
            ladder::random::Stream prompt(ladder::random::keyed(1, static_cast<std::uint64_t>(p)));
            ladder::random::Stream answer(ladder::random::keyed(2, static_cast<std::uint64_t>(p),
                                                                static_cast<std::uint64_t>(s)));
            nlohmann::json row = {
                {"instruction", "Task " + std::to_string(p) + ": " + words(prompt, 12)},
                {"input", prompt.chance(0.4) ? words(prompt, 8) : ""},
                {"output", words(answer, 30 + static_cast<int>(answer.below(40)) + (3 - s) * 10)},
                {"model", kSources[s]}};
            out << row.dump() << '\n';
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    const ladder::bench::PositionalArgs args(argc, argv, "[prompts] [folder for the files]", 2);
    const int prompts = args.integer(1, 52'000, 1, 10'000'000);
    const fs::path dir = args.text(2, (fs::temp_directory_path() / "ladder-bench-pairs").string());
    ladder::paths::removeTree(dir);
    fs::create_directories(dir);

    auto start = Clock::now();
    writeFiles(dir, prompts);
    std::uintmax_t bytes = 0;
    for (const char* s : kSources) bytes += fs::file_size(dir / (std::string(s) + ".jsonl"));
    std::printf("wrote 4 x %d answers (%.1f MB) in %.2f s (not counted)\n", prompts,
                static_cast<double>(bytes) / 1e6, since(start));

    auto ws = ladder::store::Workspace::create(dir / "bench.ladder", /*overwrite=*/true);
    const auto total = Clock::now();
    const double cpuStart = cpuSeconds();
    start = Clock::now();
    for (const char* s : kSources) {
        const auto fileStart = Clock::now();
        const auto r = ladder::data::importFile(ws.db(), dir / (std::string(s) + ".jsonl"));
        std::printf("  import %-10s %6lld rows  %.2f s\n", s, static_cast<long long>(r.rows),
                    since(fileStart));
    }
    const double importSeconds = since(start);
    const double importCpu = cpuSeconds() - cpuStart;

    start = Clock::now();
    ladder::pairs::saveLadder(
        ws.db(), ladder::pairs::parseLadder(
                     "bench", std::vector<std::string>(std::begin(kSources), std::end(kSources))));
    const auto report = ladder::pairs::PairBuilder(ws.db(), "bench").build();
    const double buildSeconds = since(start);
    const double totalSeconds = since(total);
    const double totalCpu = cpuSeconds() - cpuStart;

    std::printf("import   %.2f s wall, %.2f s processor\n", importSeconds, importCpu);
    std::printf("pairs    %.2f s wall, %.2f s processor (%lld pairs in %zu tiers, %lld held out)\n",
                buildSeconds, totalCpu - importCpu, static_cast<long long>(report.pairs),
                report.tiers.size(), static_cast<long long>(report.heldout));
    std::printf("total    %.2f s wall, %.2f s processor (target < 5 s)\n", totalSeconds, totalCpu);
    ladder::paths::removeTree(dir);
    return 0;
}
