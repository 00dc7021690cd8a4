// The generator states a checkpoint keeps: CPU runs keep the hex string of earlier checkpoints, a
// state written by a CUDA run ({"cpu", "cuda"}) resumes on the CPU too, and damage is reported.
// The CUDA side runs in tests/gpu (label gpu).
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/train/training_checkpoint.h"

namespace ladder::train {
namespace {

const torch::Device kCpu(torch::kCPU);

TEST(GeneratorState, CpuRunKeepsTheHexStringOfEarlierCheckpoints) {
    const auto state = saveGeneratorState(kCpu);
    ASSERT_TRUE(state.is_string());
    EXPECT_EQ(state.get<std::string>().find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(GeneratorState, RestoredCpuGeneratorDrawsTheSameNumbersAgain) {
    torch::manual_seed(11);
    const auto saved = saveGeneratorState(kCpu);
    const auto first = torch::rand({32});
    restoreGeneratorState(saved, kCpu);
    EXPECT_TRUE(torch::equal(torch::rand({32}), first));
}

TEST(GeneratorState, StateOfACudaRunResumesOnTheCpuWithoutTouchingCuda) {
    torch::manual_seed(12);
    // What a CUDA run writes; the "cuda" part is left alone on a CPU run (it is not even parsed).
    const nlohmann::json saved = {{"cpu", saveGeneratorState(kCpu)}, {"cuda", "not parsed"}};
    const auto first = torch::rand({32});
    restoreGeneratorState(saved, kCpu);
    EXPECT_TRUE(torch::equal(torch::rand({32}), first));
}

TEST(GeneratorState, DamagedStateIsAnErrorNamingTheGenerator) {
    EXPECT_THROW(restoreGeneratorState("zz", kCpu), Error);
    try {
        restoreGeneratorState(nlohmann::json{{"cpu", "00ff"}}, kCpu);
        FAIL() << "a 2-byte CPU generator state was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("CPU generator state"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace ladder::train
