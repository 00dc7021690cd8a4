// Free memory of a CUDA device, read from NVML (libnvidia-ml.so.1, which comes with the driver;
// opened at run time: no CUDA headers or libraries at build time, nothing on a machine without a
// driver, and no CUDA context made, so the window can ask as often as it likes). NVML counts the
// memory every process holds, this one's included. CUDA ordinal N is the N-th entry of
// CUDA_VISIBLE_DEVICES when set (an index or a GPU UUID), else NVML's index N; on a machine whose
// GPUs differ, set CUDA_DEVICE_ORDER=PCI_BUS_ID so that CUDA numbers them as NVML does.
#include <dlfcn.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "core/train/memory_estimate.h"

namespace ladder::train {
namespace {

using NvmlReturn = int;
using NvmlDevice = void*;
struct NvmlMemory {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};

// What NVML reports of CUDA ordinal `ordinal` (free and used bytes), or -1s when there is no
// driver, no such device or a MIG slice (NVML's figures are the whole GPU's).
struct DeviceMemory {
    std::int64_t free = -1;
    std::int64_t used = -1;
};

DeviceMemory nvmlMemory(int ordinal) {
    void* nvml = ::dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (nvml == nullptr) return {};
    auto init = reinterpret_cast<NvmlReturn (*)()>(::dlsym(nvml, "nvmlInit_v2"));
    auto shutdown = reinterpret_cast<NvmlReturn (*)()>(::dlsym(nvml, "nvmlShutdown"));
    auto byIndex = reinterpret_cast<NvmlReturn (*)(unsigned, NvmlDevice*)>(
        ::dlsym(nvml, "nvmlDeviceGetHandleByIndex_v2"));
    auto byUuid = reinterpret_cast<NvmlReturn (*)(const char*, NvmlDevice*)>(
        ::dlsym(nvml, "nvmlDeviceGetHandleByUUID"));
    auto memoryInfo = reinterpret_cast<NvmlReturn (*)(NvmlDevice, NvmlMemory*)>(
        ::dlsym(nvml, "nvmlDeviceGetMemoryInfo"));
    DeviceMemory result;
    if (init && shutdown && byIndex && byUuid && memoryInfo && init() == 0) {
        std::string id = std::to_string(ordinal);
        if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES"); visible && *visible) {
            std::vector<std::string> ids;
            std::stringstream list(visible);
            for (std::string item; std::getline(list, item, ',');) ids.push_back(item);
            id = ordinal < static_cast<int>(ids.size()) ? ids[static_cast<std::size_t>(ordinal)] : "";
        }
        NvmlDevice device = nullptr;
        NvmlReturn found = -1;
        if (id.rfind("GPU-", 0) == 0) {
            found = byUuid(id.c_str(), &device);
        } else if (!id.empty() && id.find_first_not_of("0123456789") == std::string::npos) {
            found = byIndex(static_cast<unsigned>(std::stoul(id)), &device);
        }
        NvmlMemory memory{};
        if (found == 0 && memoryInfo(device, &memory) == 0) {
            result.free = static_cast<std::int64_t>(memory.free);
            result.used = static_cast<std::int64_t>(memory.used);
        }
        (void)shutdown();
    }
    ::dlclose(nvml);
    return result;
}

}  // namespace

namespace {

// The ordinal of "cuda" (0) or "cuda:N".
int cudaOrdinal(const std::string& device) {
    return device.size() > 5 && device[4] == ':' ? std::atoi(device.c_str() + 5) : 0;
}

}  // namespace

std::int64_t deviceMemoryUsed(const std::string& device) {
    if (device.rfind("cuda", 0) != 0) return -1;
    return nvmlMemory(cudaOrdinal(device)).used;
}

std::int64_t availableDeviceMemory(const std::string& device) {
    if (device.rfind("cuda", 0) != 0) return availableMemory();
    // A share of a GPU, or a test's small one.
    return cappedByEnvironment(nvmlMemory(cudaOrdinal(device)).free, "LADDER_GPU_MEMORY_LIMIT");
}

}  // namespace ladder::train
