// bench_import_memory: writes a JSONL answers file of the given size (four models answering the
// same prompts, about 1 KB an answer) in a temp folder, imports it with ladder-cli in a process of
// its own, and prints that process's peak resident memory and rows per second. A file of a tenth
// of the size first, and `ladder-cli --version` (the program and LibTorch loaded, nothing read):
// the peaks show whether memory grows with the file. The files are deleted afterwards.
// Not a pass/fail test. Target: the 2 GB file's peak within 10% of the 200 MB file's.
//
// usage: bench_import_memory [gigabytes] [folder]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/bench_args.h"
#include "bench/bench_child.h"
#include "core/common/paths.h"

namespace {
namespace fs = std::filesystem;
using ladder::bench::Child;
using ladder::bench::runChild;

// Writes about `bytes` of JSONL; returns the number of rows.
long long writeAnswers(const fs::path& file, long long bytes) {
    static const char* const kWords[] = {"alpha", "beta",  "gamma", "delta", "ladder", "model",
                                         "answer", "prompt", "pair", "train", "token",  "value"};
    std::ofstream out(file, std::ios::binary);
    std::string line;
    std::uint64_t state = 1;
    long long rows = 0;
    for (long long written = 0; written < bytes; written += static_cast<long long>(line.size())) {
        const long long prompt = rows / 4;
        line = "{\"instruction\": \"Question " + std::to_string(prompt) + ": explain " +
               kWords[prompt % 12] + "\", \"output\": \"";
        for (int w = 0; w < 130; ++w) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            if (w > 0) line += ' ';
            line += kWords[(state >> 33) % 12];
        }
        line += "\", \"generator\": \"m" + std::to_string(rows % 4) + "\"}\n";
        out << line;
        ++rows;
    }
    return out ? rows : -1;
}

struct Figures {
    long long rows = 0;
    double bytes = 0;
    double seconds = 0;
    long peakKb = 0;
};

// One import of a file of `bytes` into a fresh workspace, in its own process.
bool importOnce(const fs::path& folder, long long bytes, Figures* f) {
    const fs::path file = folder / "answers.jsonl";
    const fs::path workspace = folder / "import.ladder";
    f->rows = writeAnswers(file, bytes);
    f->bytes = static_cast<double>(fs::file_size(file));
    const Child init = runChild({LADDER_CLI, "-q", "init", workspace.string()});
    if (f->rows < 0 || init.status != 0) {
        std::fprintf(stderr, "cannot prepare %s: %s\n", folder.c_str(), init.output.c_str());
        return false;
    }
    const auto start = std::chrono::steady_clock::now();
    const Child import = runChild({LADDER_CLI, "import", "-w", workspace.string(), "--format",
                                   "instruction", file.string()});
    f->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    f->peakKb = import.peakKb;
    fs::remove(file);
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(workspace.string() + suffix);
    if (import.status != 0) {
        std::fprintf(stderr, "ladder-cli import failed:\n%s\n", import.output.c_str());
        return false;
    }
    return true;
}

void print(const char* label, const Figures& f) {
    std::printf("%s: %.0f MB, %lld rows in %.1f s: %.0f rows/s, %.1f MB/s; peak RSS %.1f MiB\n",
                label, f.bytes / 1e6, f.rows, f.seconds, static_cast<double>(f.rows) / f.seconds,
                f.bytes / 1e6 / f.seconds, static_cast<double>(f.peakKb) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
    const ladder::bench::PositionalArgs args(argc, argv, "[gigabytes] [folder]", 2);
    const double gigabytes = args.number(1, 2.0, 0.01, 64.0);
    const fs::path base = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path();
    const fs::path folder = base / ("ladder-import-bench-" + std::to_string(::getpid()));
    fs::create_directories(folder);
    const long long bytes = static_cast<long long>(gigabytes * 1e9);
    Figures small;
    Figures large;
    const bool ok = importOnce(folder, bytes / 10, &small) && importOnce(folder, bytes, &large);
    ladder::paths::removeTree(folder);
    if (!ok) return 1;
    const Child idle = runChild({LADDER_CLI, "--version"});
    std::printf("ladder-cli --version: peak RSS %.1f MiB\n", static_cast<double>(idle.peakKb) / 1024.0);
    print("tenth", small);
    print("whole", large);
    std::printf("peak_idle_mib=%.1f peak_tenth_mib=%.1f peak_whole_mib=%.1f growth=%.1f%% "
                "rows_per_second=%.0f\n",
                static_cast<double>(idle.peakKb) / 1024.0, static_cast<double>(small.peakKb) / 1024.0,
                static_cast<double>(large.peakKb) / 1024.0,
                100.0 * static_cast<double>(large.peakKb - small.peakKb) /
                    static_cast<double>(small.peakKb),
                static_cast<double>(large.rows) / large.seconds);
    return 0;
}
