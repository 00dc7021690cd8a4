#include "core/model/autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace ladder::model {

// The autocast API moved between LibTorch releases: device-type arguments since 2.4.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define LADDER_AUTOCAST_BY_DEVICE 1
#endif

AutocastGuard::AutocastGuard(torch::Device device, bool bfloat16) {
    if (!bfloat16 || !device.is_cuda()) return;
    m_active = true;
#ifdef LADDER_AUTOCAST_BY_DEVICE
    m_previous = at::autocast::is_autocast_enabled(at::kCUDA);
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    m_previous = at::autocast::is_enabled();
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
#endif
    at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
    if (!m_active) return;
    // Leaving the outermost autocast region frees the cast copies of the weights.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
#ifdef LADDER_AUTOCAST_BY_DEVICE
    at::autocast::set_autocast_enabled(at::kCUDA, m_previous);
#else
    at::autocast::set_enabled(m_previous);
#endif
}

bool AutocastGuard::cudaBf16Active() {
#ifdef LADDER_AUTOCAST_BY_DEVICE
    return at::autocast::is_autocast_enabled(at::kCUDA) &&
           at::autocast::get_autocast_dtype(at::kCUDA) == at::kBFloat16;
#else
    return at::autocast::is_enabled() && at::autocast::get_autocast_gpu_dtype() == at::kBFloat16;
#endif
}

}  // namespace ladder::model
