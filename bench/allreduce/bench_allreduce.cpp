// bench_allreduce: the gradient all-reduce of a data-parallel step, as the trainer does it
// (dist::Communicator::averageGradients: 25 MiB buckets, Gloo on the CPU), between processes on
// this machine over loopback. For each gradient size: the time of one step's all-reduce (median),
// its algorithm bandwidth (gradient bytes / time) and bus bandwidth (x 2(n-1)/n, what each rank
// sends and receives in a ring, as nccl-tests report it), and the bytes each rank sends a step.
//   bench_allreduce [ranks=2] [iterations=5]
// Sizes: the demo's tiny model (full fine-tuning), Qwen2.5-0.5B's shape with LoRA r=16 on all
// linear layers, and in full (the last needs ../shared's config; 2 GB of gradients a rank).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "bench/bench_args.h"
#include "core/dist/communicator.h"
#include "core/dist/launch.h"
#include "core/model/model_config.h"

namespace {
using namespace ladder;
namespace fs = std::filesystem;

struct Case {
    std::string name;
    std::int64_t parameters = 0;
    std::int64_t bucketBytes = 25 << 20;
};

// LoRA adapters of rank r on q, k, v, o, gate, up, down: r x (in + out) each.
std::int64_t loraParameters(const model::ModelConfig& c, int rank) {
    const std::int64_t h = c.hiddenSize, i = c.intermediateSize;
    const std::int64_t kv = static_cast<std::int64_t>(c.numKvHeads) * (c.hiddenSize / c.numHeads);
    const std::int64_t perLayer = (h + h) + (h + kv) + (h + kv) + (h + h) + 2 * (h + i) + (i + h);
    return rank * perLayer * c.numLayers;
}

std::vector<Case> cases() {
    std::vector<Case> out;
    const auto tiny = model::ModelConfig::tiny();
    out.push_back({"demo tiny model, full", static_cast<std::int64_t>(model::parameterCount(tiny))});
    out.push_back({"demo tiny model, full, 1 MiB buckets",
                   static_cast<std::int64_t>(model::parameterCount(tiny)), 1 << 20});
    const fs::path qwen = fs::path(LADDER_SHARED_DIR) / "data/models/Qwen2.5-0.5B-Instruct/config.json";
    if (fs::exists(qwen)) {
        const auto c = model::readConfigJson(qwen);
        out.push_back({"Qwen2.5-0.5B, LoRA r=16 all-linear", loraParameters(c, 16)});
        out.push_back({"Qwen2.5-0.5B, full", static_cast<std::int64_t>(model::parameterCount(c))});
    } else {
        std::printf("(../shared absent: the Qwen2.5-0.5B sizes are left out)\n");
    }
    return out;
}

// Gradients as a model has them: tensors of up to 1M floats (a matrix each).
std::vector<torch::Tensor> gradients(std::int64_t parameters, int rank) {
    std::vector<torch::Tensor> grads;
    for (std::int64_t left = parameters; left > 0;) {
        const std::int64_t n = std::min<std::int64_t>(left, 1 << 20);
        grads.push_back(torch::full({n}, static_cast<float>(rank + 1)));
        left -= n;
    }
    return grads;
}

int runRank(int rank, int ranks, int port, int iterations) {
    dist::WorldSpec world;
    world.rank = world.localRank = rank;
    world.worldSize = world.localWorldSize = ranks;
    world.masterPort = port;
    torch::set_num_threads(1);
    auto comm = dist::Communicator::connect(world, "cpu");
    for (const auto& c : cases()) {
        auto grads = gradients(c.parameters, rank);
        std::vector<double> seconds;
        for (int it = 0; it <= iterations; ++it) {  // the first warms up
            (void)comm->sum({0.0});                 // start together
            const auto start = std::chrono::steady_clock::now();
            comm->averageGradients(grads, c.bucketBytes);
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (it > 0) seconds.push_back(s);
        }
        std::sort(seconds.begin(), seconds.end());
        const double median = seconds[seconds.size() / 2];
        const double bytes = 4.0 * static_cast<double>(c.parameters);
        const double ring = 2.0 * (ranks - 1) / ranks;
        if (rank == 0) {
            std::printf("%-40s %11lld params %9.1f MB  %9.2f ms  algbw %7.3f GB/s  busbw %7.3f GB/s  "
                        "sent/step %9.1f MB\n",
                        c.name.c_str(), static_cast<long long>(c.parameters), bytes / 1e6,
                        median * 1e3, bytes / median / 1e9, bytes * ring / median / 1e9,
                        bytes * ring / 1e6);
        }
        // Averaging (r+1) over ranks gives (n+1)/2 everywhere: check the last value.
        const float expected = (ranks + 1) / 2.0f;
        if (std::abs(grads.back()[0].item<float>() - expected) > 1e-4f) {
            // Averages of averages stay the same value: any difference is a wrong reduction.
            std::fprintf(stderr, "rank %d: wrong average %f (expected %f)\n", rank,
                         grads.back()[0].item<float>(), expected);
            return 1;
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const bench::PositionalArgs args(argc, argv, "[ranks=2] [iterations=5]", 2);
    const int ranks = args.integer(1, 2, 2, 64);
    const int iterations = args.integer(2, 5, 1, 1000);
    const int port = dist::freePort();
    std::printf("all-reduce of gradients: %d processes on this machine, c10d Gloo over loopback, "
                "float32, median of %d\n", ranks, iterations);
    std::fflush(stdout);  // not again from each child
    std::vector<pid_t> children;
    for (int r = 0; r < ranks; ++r) {
        const pid_t pid = ::fork();  // before LibTorch starts any thread
        if (pid == 0) {
            int status = 1;
            try {
                status = runRank(r, ranks, port, iterations);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "rank %d: %s\n", r, e.what());
            }
            std::fflush(stdout);
            ::_exit(status);
        }
        children.push_back(pid);
    }
    int failed = 0;
    for (const pid_t pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    }
    return failed == 0 ? 0 : 1;
}
