// How a process learns its place in a data-parallel run: torchrun's and SLURM's variables.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/dist/world.h"
#include "tests/support/test_support.h"

namespace ladder::dist {
namespace {

// An environment of its own, not the process's.
struct FakeEnvironment {
    std::map<std::string, std::string> values;
    Getenv getenv() const {
        return [this](const char* name) -> const char* {
            const auto it = values.find(name);
            return it == values.end() ? nullptr : it->second.c_str();
        };
    }
};

TEST(WorldFromEnvironment, NoVariablesOrOneProcessIsARunAlone) {
    EXPECT_FALSE(worldFromEnvironment(FakeEnvironment{}.getenv()).has_value());
    const FakeEnvironment one{{{"WORLD_SIZE", "1"}, {"RANK", "0"}}};
    EXPECT_FALSE(worldFromEnvironment(one.getenv()).has_value());
}

TEST(WorldFromEnvironment, ReadsWhatTorchrunSets) {
    const FakeEnvironment env{{{"WORLD_SIZE", "8"}, {"RANK", "5"}, {"LOCAL_RANK", "1"},
                               {"LOCAL_WORLD_SIZE", "4"}, {"MASTER_ADDR", "10.0.0.7"},
                               {"MASTER_PORT", "29501"}, {"LADDER_DIST_TIMEOUT", "30"}}};
    const auto world = worldFromEnvironment(env.getenv());
    ASSERT_TRUE(world.has_value());
    EXPECT_EQ(world->worldSize, 8);
    EXPECT_EQ(world->rank, 5);
    EXPECT_EQ(world->localRank, 1);
    EXPECT_EQ(world->localWorldSize, 4);
    EXPECT_EQ(world->masterAddr, "10.0.0.7");
    EXPECT_EQ(world->masterPort, 29501);
    EXPECT_EQ(world->timeout.count(), 30);
    EXPECT_EQ(world->describe(), "rank 5 of 8");
}

TEST(WorldFromEnvironment, ReadsWhatSrunSets) {
    const FakeEnvironment env{{{"SLURM_NTASKS", "4"}, {"SLURM_PROCID", "3"}, {"SLURM_LOCALID", "1"},
                               {"SLURM_NTASKS_PER_NODE", "2(x2)"}, {"MASTER_ADDR", "node01"},
                               {"MASTER_PORT", "29500"}}};
    const auto world = worldFromEnvironment(env.getenv());
    ASSERT_TRUE(world.has_value());
    EXPECT_EQ(world->worldSize, 4);
    EXPECT_EQ(world->rank, 3);
    EXPECT_EQ(world->localRank, 1);
    EXPECT_EQ(world->localWorldSize, 2);
    EXPECT_EQ(world->masterAddr, "node01");
}

TEST(WorldFromEnvironment, TorchrunsVariablesWinOverSlurms) {
    // torchrun inside a SLURM allocation: its own ranks, not srun's.
    const FakeEnvironment env{{{"SLURM_NTASKS", "2"}, {"SLURM_PROCID", "1"}, {"WORLD_SIZE", "4"},
                               {"RANK", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1234"}}};
    const auto world = worldFromEnvironment(env.getenv());
    ASSERT_TRUE(world.has_value());
    EXPECT_EQ(world->worldSize, 4);
    EXPECT_EQ(world->rank, 2);
}

TEST(WorldFromEnvironment, AWrongOrMissingValueIsNamed) {
    const auto message = [](FakeEnvironment env) {
        return test::errorOf([&] { (void)worldFromEnvironment(env.getenv()); });
    };
    EXPECT_NE(message({{{"WORLD_SIZE", "2"}, {"RANK", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}}})
                  .find("$RANK is '2': it takes a whole number from 0 to 1"),
              std::string::npos);
    EXPECT_NE(message({{{"WORLD_SIZE", "two"}}}).find("$WORLD_SIZE is 'two'"), std::string::npos);
    EXPECT_NE(message({{{"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}}})
                  .find("$RANK is not set"),
              std::string::npos);
    EXPECT_NE(message({{{"WORLD_SIZE", "2"}, {"RANK", "1"}, {"MASTER_PORT", "1"}}})
                  .find("$MASTER_ADDR is not set"),
              std::string::npos);
    EXPECT_NE(message({{{"WORLD_SIZE", "2"}, {"RANK", "1"}, {"MASTER_ADDR", "h"}}})
                  .find("$MASTER_PORT is not set"),
              std::string::npos);
}

TEST(WorldFromEnvironment, ALaunchersVariablesReadBackAsTheSameWorld) {
    WorldSpec world;
    world.rank = 3;
    world.worldSize = 4;
    world.localRank = 1;
    world.localWorldSize = 2;
    world.masterAddr = "192.168.1.2";
    world.masterPort = 40000;
    world.timeout = std::chrono::seconds(45);
    FakeEnvironment env;
    for (const auto& [name, value] : environmentOf(world)) env.values[name] = value;
    const auto back = worldFromEnvironment(env.getenv());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->rank, 3);
    EXPECT_EQ(back->worldSize, 4);
    EXPECT_EQ(back->localRank, 1);
    EXPECT_EQ(back->localWorldSize, 2);
    EXPECT_EQ(back->masterAddr, "192.168.1.2");
    EXPECT_EQ(back->masterPort, 40000);
    EXPECT_EQ(back->timeout.count(), 45);
}

TEST(DeviceOfRank, CudaTakesTheGpuOfTheLocalRank) {
    WorldSpec world;
    world.worldSize = 4;
    world.localRank = 1;
    EXPECT_EQ(deviceOfRank("cuda", world), "cuda:1");
    EXPECT_EQ(deviceOfRank("cuda:3", world), "cuda:3");  // named: as it is
    EXPECT_EQ(deviceOfRank("cpu", world), "cpu");
    world.worldSize = 1;
    EXPECT_EQ(deviceOfRank("cuda", world), "cuda");  // alone: as it is
}

TEST(BackendFor, GlooOnTheCpuNcclOnCuda) {
    EXPECT_EQ(backendFor("cpu"), "gloo");
    EXPECT_EQ(backendFor("cuda"), "nccl");
    EXPECT_EQ(backendFor("cuda:1"), "nccl");
}

}  // namespace
}  // namespace ladder::dist
