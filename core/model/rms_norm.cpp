// RMSNorm: the normalisation of the Llama family.
#include "core/model/rms_norm.h"

namespace ladder::model {

RMSNormImpl::RMSNormImpl(std::int64_t dim, double eps, bool plusOne)
    : m_eps(eps), m_plusOne(plusOne) {
    m_weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
    const auto x32 = x.to(torch::kFloat);                                     // (..., C)
    const auto inverseRms = torch::rsqrt(x32.pow(2).mean(-1, true) + m_eps);  // (..., 1)
    if (m_plusOne) {
        return (x32 * inverseRms * (1.0 + m_weight.to(torch::kFloat))).to(x.scalar_type());
    }
    return m_weight * (x32 * inverseRms).to(x.scalar_type());                 // (..., C)
}

}  // namespace ladder::model
