// bf16 autocast on CUDA for the scope of a forward pass: matrix products in bfloat16, reductions and
// the losses in float32, the weights and the optimiser in float32. Thread-local, like autograd's
// guards: create it on the thread that computes (a recomputed forward, recompute.h, creates it
// again in the backward pass). Does nothing on the CPU or for float32 runs.
#pragma once

#include <torch/types.h>

namespace ladder::model {

class AutocastGuard {
public:
    AutocastGuard(torch::Device device, bool bfloat16);
    ~AutocastGuard();
    AutocastGuard(const AutocastGuard&) = delete;
    AutocastGuard& operator=(const AutocastGuard&) = delete;

    // Whether bf16 autocast on CUDA is on for this thread now.
    [[nodiscard]] static bool cudaBf16Active();

private:
    bool m_active = false;
    bool m_previous = false;
};

}  // namespace ladder::model
