// Where one process of a data-parallel run stands: its rank among the world's processes, and how
// they meet (the rendezvous: rank 0's address and port). Read from the variables torchrun and
// SLURM set, or given by `ladder-cli train --nproc-per-node`. No LibTorch here.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ladder::dist {

struct WorldSpec {
    int rank = 0;        // 0 .. worldSize-1; rank 0 writes the workspace and hosts the rendezvous
    int worldSize = 1;
    int localRank = 0;   // among this machine's processes: its GPU on CUDA (cuda:<localRank>)
    int localWorldSize = 1;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    // How long a process waits for the others (a collective, the rendezvous) before it stops
    // with a message naming the ranks it waited for.
    std::chrono::seconds timeout{600};

    [[nodiscard]] bool distributed() const { return worldSize > 1; }
    // "rank 1 of 2"
    [[nodiscard]] std::string describe() const;
};

using Getenv = std::function<const char*(const char*)>;

// The world the environment describes: torchrun's RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT, or else SLURM's SLURM_PROCID, SLURM_NTASKS,
// SLURM_LOCALID, SLURM_NTASKS_PER_NODE (with MASTER_ADDR and MASTER_PORT, which a SLURM batch
// script exports). LADDER_DIST_TIMEOUT (seconds) sets the timeout. nullopt when neither is set
// or the world has one process. Throws ladder::Error naming the variable when a value is wrong
// or missing.
[[nodiscard]] std::optional<WorldSpec> worldFromEnvironment(const Getenv& getenv);
[[nodiscard]] std::optional<WorldSpec> worldFromEnvironment();

// The variables worldFromEnvironment reads, for a worker that a launcher starts.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> environmentOf(const WorldSpec& world);

// The device of a data-parallel run's process: "cuda" takes the GPU of its local rank
// ("cuda:<localRank>"); any other device (and any device alone) as it is.
[[nodiscard]] std::string deviceOfRank(const std::string& device, const WorldSpec& world);

// Which process group a device takes: gloo on the CPU, nccl on CUDA.
[[nodiscard]] std::string backendFor(const std::string& device);

}  // namespace ladder::dist
