// RMSNorm: the normalisation of the Llama family.
#include "core/model/rms_norm.h"

namespace ladder::model {

RMSNormImpl::RMSNormImpl(std::int64_t dim, double eps) : m_eps(eps) {
    m_weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
    const auto x32 = x.to(torch::kFloat);                                     // (..., C)
    const auto inverseRms = torch::rsqrt(x32.pow(2).mean(-1, true) + m_eps);  // (..., 1)
    return m_weight * (x32 * inverseRms).to(x.scalar_type());                 // (..., C)
}

}  // namespace ladder::model
