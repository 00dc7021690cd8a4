// Test helper: writes metric batches into a workspace until killed (or N batches), printing
// "committed <rows>" after each commit, so that a test can kill it mid-batch and check the file.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/store/metrics.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: %s WORKSPACE RUN_ID BATCH_ROWS BATCHES(-1 = forever)\n", argv[0]);
        return 2;
    }
    try {
        auto ws = ladder::store::Workspace::open(argv[1]);
        const long long runId = std::atoll(argv[2]);
        const long long batchRows = std::atoll(argv[3]);
        const long long batches = std::atoll(argv[4]);
        ladder::store::MetricsWriter writer(ws.db(), static_cast<std::size_t>(batchRows));
        long long committed = 0;
        for (long long b = 0; batches < 0 || b < batches; ++b) {
            // A batch is batchRows consecutive steps of one metric: value == step, so a reader can
            // check that each batch arrived whole.
            for (long long i = 0; i < batchRows; ++i) {
                const long long step = b * batchRows + i;
                writer.add(runId, step, "loss", static_cast<double>(step), 0.0);
            }
            // add() flushed when the batch filled up: the rows are committed now.
            committed += batchRows;
            std::printf("committed %lld\n", committed);
            std::fflush(stdout);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "writer: %s\n", e.what());
        return 1;
    }
    return 0;
}
