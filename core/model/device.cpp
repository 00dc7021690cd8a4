#include "core/model/device.h"

#include "core/common/error.h"

namespace ladder::model {

torch::Device parseDevice(const std::string& name) {
    if (name == "cpu") return torch::kCPU;
    if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
        if (!torch::cuda::is_available()) {
            throw Error("device " + name + " was asked for, but this LibTorch has no CUDA (or no GPU "
                        "is visible): use device cpu, or build Ladder against a CUDA LibTorch "
                        "(README: Building with a CUDA LibTorch)");
        }
        const int index = name == "cuda" ? 0 : std::stoi(name.substr(5));
        if (index < 0 || index >= static_cast<int>(torch::cuda::device_count())) {
            throw Error("device " + name + " does not exist: this machine has " +
                        std::to_string(torch::cuda::device_count()) + " CUDA device(s)");
        }
        return {torch::kCUDA, static_cast<c10::DeviceIndex>(index)};
    }
    throw Error("unknown device '" + name + "': use cpu, cuda or cuda:N");
}

}  // namespace ladder::model
