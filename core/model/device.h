// The device a model runs on, from its name in a run config, an option or a judge's options.
#pragma once

#include <string>

#include <torch/torch.h>

namespace ladder::model {

// "cpu", "cuda", "cuda:N" -> a device; throws ladder::Error when CUDA is asked for and absent, the
// device index does not exist, or the name is none of these.
[[nodiscard]] torch::Device parseDevice(const std::string& name);

}  // namespace ladder::model
