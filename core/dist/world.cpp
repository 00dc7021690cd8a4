#include "core/dist/world.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/common/error.h"

namespace ladder::dist {
namespace {

// An integer variable in [low, high]; nullopt when unset or empty.
std::optional<long> readInt(const Getenv& getenv, const char* name, long low, long high) {
    const char* text = getenv(name);
    if (text == nullptr || *text == '\0') return std::nullopt;
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || value < low || value > high) {
        throw Error(std::string("$") + name + " is '" + text + "': it takes a whole number from " +
                    std::to_string(low) + " to " + std::to_string(high));
    }
    return value;
}

long required(const Getenv& getenv, const char* name, const char* because, long low, long high) {
    const auto value = readInt(getenv, name, low, high);
    if (!value) throw Error(std::string("$") + name + " is not set, though " + because);
    return *value;
}

}  // namespace

std::string WorldSpec::describe() const {
    return "rank " + std::to_string(rank) + " of " + std::to_string(worldSize);
}

std::optional<WorldSpec> worldFromEnvironment(const Getenv& getenv) {
    constexpr long kMaxRanks = 1 << 20;
    WorldSpec world;
    const char* rankName = nullptr;
    if (readInt(getenv, "WORLD_SIZE", 1, kMaxRanks)) {
        world.worldSize = static_cast<int>(*readInt(getenv, "WORLD_SIZE", 1, kMaxRanks));
        world.rank = static_cast<int>(
            required(getenv, "RANK", "$WORLD_SIZE is (torchrun sets both)", 0, world.worldSize - 1));
        world.localRank = static_cast<int>(readInt(getenv, "LOCAL_RANK", 0, kMaxRanks).value_or(0));
        world.localWorldSize =
            static_cast<int>(readInt(getenv, "LOCAL_WORLD_SIZE", 1, kMaxRanks).value_or(1));
        rankName = "RANK";
    } else if (readInt(getenv, "SLURM_NTASKS", 1, kMaxRanks)) {
        world.worldSize = static_cast<int>(*readInt(getenv, "SLURM_NTASKS", 1, kMaxRanks));
        world.rank = static_cast<int>(required(getenv, "SLURM_PROCID",
                                               "$SLURM_NTASKS is (srun sets both)", 0,
                                               world.worldSize - 1));
        world.localRank = static_cast<int>(readInt(getenv, "SLURM_LOCALID", 0, kMaxRanks).value_or(0));
        // "4" or "4(x2)": the count of this node's tasks comes first.
        const char* perNode = getenv("SLURM_NTASKS_PER_NODE");
        world.localWorldSize = perNode && *perNode ? std::max(1, std::atoi(perNode)) : 1;
        rankName = "SLURM_PROCID";
    } else {
        return std::nullopt;
    }
    if (world.worldSize == 1) return std::nullopt;
    if (const char* addr = getenv("MASTER_ADDR"); addr && *addr) {
        world.masterAddr = addr;
    } else {
        throw Error(std::string("$MASTER_ADDR is not set: a process of a ") +
                    std::to_string(world.worldSize) + "-process run ($" + rankName +
                    ") needs the address of rank 0's machine (torchrun sets it; in a SLURM "
                    "script: export MASTER_ADDR=$(scontrol show hostnames | head -n1))");
    }
    world.masterPort = static_cast<int>(required(
        getenv, "MASTER_PORT", "a process of a several-process run meets the others there", 1, 65535));
    if (const auto timeout = readInt(getenv, "LADDER_DIST_TIMEOUT", 1, 7 * 24 * 3600)) {
        world.timeout = std::chrono::seconds(*timeout);
    }
    return world;
}

std::optional<WorldSpec> worldFromEnvironment() {
    return worldFromEnvironment([](const char* name) { return std::getenv(name); });
}

std::vector<std::pair<std::string, std::string>> environmentOf(const WorldSpec& world) {
    return {
        {"RANK", std::to_string(world.rank)},
        {"WORLD_SIZE", std::to_string(world.worldSize)},
        {"LOCAL_RANK", std::to_string(world.localRank)},
        {"LOCAL_WORLD_SIZE", std::to_string(world.localWorldSize)},
        {"MASTER_ADDR", world.masterAddr},
        {"MASTER_PORT", std::to_string(world.masterPort)},
        {"LADDER_DIST_TIMEOUT", std::to_string(world.timeout.count())},
    };
}

std::string deviceOfRank(const std::string& device, const WorldSpec& world) {
    return device == "cuda" && world.distributed() ? "cuda:" + std::to_string(world.localRank) : device;
}

std::string backendFor(const std::string& device) {
    return device.rfind("cuda", 0) == 0 ? "nccl" : "gloo";
}

}  // namespace ladder::dist
