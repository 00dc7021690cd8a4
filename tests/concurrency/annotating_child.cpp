// A process that uses a workspace as the window does: one connection held open the whole time,
// the workspace opened again and again beside it (read-write as the trainer thread, read-only as
// the pair filters and Compare), and an annotation saved after each round. Prints
// "saved <pair id> <status>" once each annotation is committed, "failed <pair id> <message>"
// otherwise. Runs until the file named by its second argument exists.
//   annotating_child WORKSPACE STOP_FILE [PAUSE_MS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <thread>
#include <vector>

#include "core/pairs/pair_annotations.h"
#include "core/store/workspace.h"

int main(int argc, char** argv) {
    using namespace ladder;
    if (argc < 3) {
        std::fprintf(stderr, "usage: annotating_child WORKSPACE STOP_FILE [PAUSE_MS]\n");
        return 2;
    }
    const std::filesystem::path file = argv[1];
    const std::filesystem::path stop = argv[2];
    const int pauseMs = argc > 3 ? std::atoi(argv[3]) : 20;
    try {
        auto session = store::Workspace::open(file);
        std::vector<std::int64_t> ids;
        for (auto st = session.db().prepare("SELECT id FROM pairs ORDER BY id"); st.step();) {
            ids.push_back(st.int64(0));
        }
        if (ids.empty()) {
            std::fprintf(stderr, "%s has no pairs\n", argv[1]);
            return 1;
        }
        const pairs::AnnotationStatus cycle[] = {pairs::AnnotationStatus::Keep,
                                                 pairs::AnnotationStatus::Flip,
                                                 pairs::AnnotationStatus::Tie,
                                                 pairs::AnnotationStatus::Discard};
        for (std::size_t round = 0; !std::filesystem::exists(stop); ++round) {
            try {
                { auto pane = store::Workspace::open(file); (void)pane.summary(); }
                {
                    auto filter = store::Workspace::open(file, {.readOnly = true});
                    (void)filter.summary();
                }
                const std::int64_t id = ids[round % ids.size()];
                const auto status = cycle[round % 4];
                pairs::setAnnotationStatus(session.db(), id, status, "child");
                std::printf("saved %lld %s\n", static_cast<long long>(id), pairs::toString(status));
            } catch (const std::exception& e) {
                std::printf("failed %zu %s\n", round, e.what());
            }
            std::fflush(stdout);
            std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "annotating_child: %s\n", e.what());
        return 1;
    }
    return 0;
}
