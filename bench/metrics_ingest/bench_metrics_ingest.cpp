// bench_metrics_ingest: writes training-shaped metrics (20 names per step, as a DPO run with a few
// tiers records) into a fresh workspace through store::MetricsWriter, one transaction per batch,
// and prints rows per second. Target: >= 500,000 rows/s.
//
// usage: bench_metrics_ingest [--rows N] [--batch N] [--folder DIR] [--sql STATEMENT]...
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    long long rows = 2'000'000;
    long long batch = 8192;
    fs::path folder = fs::temp_directory_path();
    std::vector<std::string> pragmas;  // extra statements to try, e.g. --sql "PRAGMA cache_size=-65536"
    for (int i = 1; i < argc; i += 2) {
        // An option without its value (or --help) falls through to the usage line.
        const std::string a = i + 1 < argc ? argv[i] : "";
        if (a == "--rows") rows = std::atoll(argv[i + 1]);
        else if (a == "--batch") batch = std::atoll(argv[i + 1]);
        else if (a == "--folder") folder = argv[i + 1];
        else if (a == "--sql") pragmas.emplace_back(argv[i + 1]);
        else {
            const bool help = std::string(argv[i]) == "--help";
            std::fprintf(help ? stdout : stderr,
                         "usage: %s [--rows N] [--batch N] [--folder DIR] [--sql STATEMENT]...\n", argv[0]);
            return help ? 0 : 2;
        }
    }
    const fs::path path = folder / ("ladder-ingest-" + std::to_string(::getpid()) + ".ladder");
    std::vector<std::string> names = {"loss", "rewards/chosen", "rewards/rejected", "rewards/margins",
                                      "rewards/accuracies", "logps/chosen", "logps/rejected",
                                      "grad_norm", "learning_rate", "tokens_per_second",
                                      "curriculum/stage"};
    for (const char* tier : {"strong>weak", "strong>medium", "medium>weak"}) {
        names.push_back(std::string("tier/") + tier + "/accuracies");
        names.push_back(std::string("tier/") + tier + "/margins");
    }
    names.push_back("eval/loss");
    names.push_back("eval/rewards/accuracies");
    names.push_back("eval/rewards/margins");
    {
        auto ws = ladder::store::Workspace::create(path);
        for (const auto& sql : pragmas) ws.db().exec(sql);
        const auto run = ladder::store::RunStore(ws.db()).create(
            {.name = "ingest", .method = "dpo", .configJson = "{}"});
        ladder::store::MetricsWriter writer(ws.db(), static_cast<std::size_t>(batch));
        const auto start = std::chrono::steady_clock::now();
        const std::clock_t cpuStart = std::clock();
        long long written = 0;
        for (long long step = 1; written < rows; ++step) {
            for (const auto& name : names) {
                writer.add(run, step, name, 1.0 / static_cast<double>(step), 1.7e9 + step);
                if (++written == rows) break;
            }
        }
        writer.flush();
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double cpuSeconds = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
        const auto stored = ws.db().queryInt64("SELECT count(*) FROM metrics");
        // CPU time too: on a shared machine the wall clock also counts other programs' turns.
        std::printf("metrics ingest: %lld rows in batches of %lld, %.2f s wall: %.0f rows/s "
                    "(target >= 500,000); %.2f s CPU: %.0f rows/s; %lld rows stored, file %.1f MB\n",
                    rows, batch, seconds, static_cast<double>(rows) / seconds, cpuSeconds,
                    static_cast<double>(rows) / cpuSeconds,
                    static_cast<long long>(stored),
                    static_cast<double>(fs::file_size(path) + fs::file_size(path.string() + "-wal")) / 1e6);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
    return 0;
}
