// Benchmark: what the pair browser asks the workspace for, on a demo workspace of N prompts
// (default 20,000, about 60,000 pairs): the ordered id list per filter and sort, a page of rows,
// one pair's detail, one annotation. Prints milliseconds (median of 5). Usage:
// pair_query_bench [prompts] [folder]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/demo/demo_workspace.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_annotations.h"
#include "core/pairs/pair_margins.h"
#include "core/pairs/pair_query.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "bench/bench_args.h"

namespace {

namespace fs = std::filesystem;
using namespace ladder;

double medianMs(const std::function<void()>& work, int repeats = 5) {
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const ladder::bench::PositionalArgs args(argc, argv, "[prompts] [folder]", 2);
    const int prompts = args.integer(1, 20000, 1, 10'000'000);
    const fs::path folder = args.text(2, fs::temp_directory_path().string());
    const fs::path file = folder / "pair_query_bench.ladder";
    demo::DemoOptions options;
    options.prompts = prompts;
    options.overwrite = true;
    const auto summary = demo::initWorkspace(file, options);
    std::printf("demo workspace: %d prompts, %lld pairs, made in %.2f s\n", prompts,
                static_cast<long long>(summary.pairs.pairs), summary.seconds);

    auto ws = store::Workspace::open(file);
    auto& db = ws.db();
    pairs::PairFilter all;
    all.ladderId = pairs::loadLadder(db, demo::kDemoLadder).id;
    const auto ids = pairs::findPairIds(db, all);

    // Margins of a pretend run for every pair, as a trainer would store them.
    store::RunStore runs(db);
    const std::int64_t run = runs.create({.name = "bench", .method = "dpo", .configJson = "{}"});
    std::vector<std::pair<std::int64_t, double>> margins;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        margins.emplace_back(ids[i], static_cast<double>((i * 7919) % 1000) / 100.0 - 5.0);
    }
    pairs::savePairMargins(db, run, 100, margins);

    auto report = [&](const char* what, const pairs::PairFilter& f, const pairs::PairSort& s) {
        std::size_t n = 0;
        const double ms = medianMs([&] { n = pairs::findPairIds(db, f, s).size(); });
        std::printf("  %-44s %8.1f ms  (%zu pairs)\n", what, ms, n);
    };
    std::printf("ordered id lists (once per filter or sort change):\n");
    report("all, by pair id", all, {});
    report("all, by length difference", all, {pairs::PairSortKey::LengthDifference, false, 0});
    report("all, by tier", all, {pairs::PairSortKey::Tier, false, 0});
    report("all, by margin", all, {pairs::PairSortKey::Margin, false, run});
    pairs::PairFilter f = all;
    f.tier = "strong>medium";
    report("tier strong>medium", f, {});
    f = all;
    f.status = pairs::AnnotationStatus::None;
    report("unreviewed", f, {});
    f = all;
    f.judge = pairs::JudgeVerdict::Disagree;
    report("judge disagrees", f, {});
    f = all;
    f.search = "json";
    report("search \"json\"", f, {});
    f.search = "no such text anywhere";
    report("search with no match", f, {});

    std::printf("per view:\n");
    const auto pageIds = std::span(ids).subspan(ids.size() / 2, 100);
    std::printf("  %-44s %8.2f ms\n", "a page of 100 rows (with margins, judge)",
                medianMs([&] { (void)pairs::loadPairRows(db, pageIds, run); }));
    std::printf("  %-44s %8.2f ms\n", "one pair's detail",
                medianMs([&] { (void)pairs::pairDetail(db, ids[ids.size() / 3]); }));
    std::printf("  %-44s %8.2f ms\n", "one annotation saved (and undone)",
                medianMs([&] {
                    const auto c =
                        pairs::setAnnotationStatus(db, ids[42], pairs::AnnotationStatus::Flip);
                    pairs::undoChange(db, c);
                }) / 2.0);
    fs::remove(file);
    return 0;
}
