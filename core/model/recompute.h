// Trading compute for memory: fn(x) runs without autograd keeping what it made, and the backward
// pass runs fn again on a saved x to get the gradients (of x and of every parameter fn uses,
// accumulated into their .grad as backward() does). Gradient checkpointing per decoder layer and
// the chunked log-prob head both stand on this. What fn draws at random (dropout) is drawn again
// from the same generator state, and bf16 autocast is on again if it was, so the recomputation
// makes the very numbers the forward did.
#pragma once

#include <functional>

#include <torch/types.h>

namespace ladder::model {

using TensorFn = std::function<torch::Tensor(const torch::Tensor&)>;

// fn(x), recomputed in the backward pass. Outside grad mode (or when x needs no gradient and fn
// owns no parameter needing one) it is plainly fn(x). preserveRng: replay the default
// generator of x's device (costs a copy of its state; only fns that draw need it).
[[nodiscard]] torch::Tensor recomputed(TensorFn fn, const torch::Tensor& x, bool preserveRng);

}  // namespace ladder::model
