// fitLengthControlled(): features, then damped Newton steps on a convex objective of at most three
// weights, then the prediction at zero length difference.
#include "core/eval/length_controlled.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/common/statistics.h"

namespace ladder::eval {
namespace {

constexpr int kMaxFeatures = 3;
constexpr int kMaxIterations = 100;
// On the gradient's largest component: a sum over the prompts of terms below 1 in size.
constexpr double kGradientTolerance = 1e-10;
using Vec = std::array<double, kMaxFeatures>;
using Mat = std::array<Vec, kMaxFeatures>;

double sigmoid(double z) {
    return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
}

// log(1 + e^z) without overflow.
double softplus(double z) {
    return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

struct Problem {
    std::vector<Vec> x;  // features per row: 1, tanh(difference / sd)[, difficulty]
    std::vector<double> y;
    int features = 2;
    double c = kLengthControlledC;

    [[nodiscard]] double dot(const Vec& a, const Vec& b) const {
        double s = 0;
        for (int k = 0; k < features; ++k) s += a[k] * b[k];
        return s;
    }

    [[nodiscard]] double objective(const Vec& w) const {
        double f = dot(w, w) / (2.0 * c);
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double z = dot(x[i], w);
            f += softplus(z) - y[i] * z;
        }
        return f;
    }
};

// Solves a * s = b for a symmetric positive definite a (Cholesky); n <= 3.
Vec solve(Mat a, Vec b, int n) {
    for (int j = 0; j < n; ++j) {
        double d = a[j][j];
        for (int k = 0; k < j; ++k) d -= a[j][k] * a[j][k];
        a[j][j] = std::sqrt(std::max(d, 1e-300));
        for (int i = j + 1; i < n; ++i) {
            double s = a[i][j];
            for (int k = 0; k < j; ++k) s -= a[i][k] * a[j][k];
            a[i][j] = s / a[j][j];
        }
    }
    for (int i = 0; i < n; ++i) {  // L z = b
        for (int k = 0; k < i; ++k) b[i] -= a[i][k] * b[k];
        b[i] /= a[i][i];
    }
    for (int i = n - 1; i >= 0; --i) {  // L^T s = z
        for (int k = i + 1; k < n; ++k) b[i] -= a[k][i] * b[k];
        b[i] /= a[i][i];
    }
    return b;
}

}  // namespace

LengthControlledFit fitLengthControlled(const std::vector<LengthControlledRow>& rows, double c) {
    LengthControlledFit fit;
    fit.winRate = std::numeric_limits<double>::quiet_NaN();
    if (static_cast<int>(rows.size()) < kLengthControlledMinRows || !(c > 0)) return fit;

    std::vector<double> differences;
    differences.reserve(rows.size());
    bool difficulties = true;
    for (const auto& r : rows) {
        differences.push_back(r.lengthDifference);
        difficulties = difficulties && r.instructionDifficulty.has_value();
    }
    fit.lengthScale = stats::meanAndStandardError(differences).standardDeviation;

    Problem p;
    p.c = c;
    p.features = difficulties ? 3 : 2;
    for (const auto& r : rows) {
        // All differences equal (sd 0): the length term is 0 everywhere and fits nothing.
        const double scaled = fit.lengthScale > 0 ? std::tanh(r.lengthDifference / fit.lengthScale) : 0.0;
        p.x.push_back({1.0, scaled, difficulties ? *r.instructionDifficulty : 0.0});
        p.y.push_back(std::clamp(r.score, 0.0, 1.0));
    }

    Vec w{};
    double f = p.objective(w);
    for (fit.iterations = 1; fit.iterations <= kMaxIterations; ++fit.iterations) {
        Vec g{};
        Mat h{};
        for (int k = 0; k < p.features; ++k) {
            g[k] = w[k] / c;
            h[k][k] = 1.0 / c;
        }
        for (std::size_t i = 0; i < p.x.size(); ++i) {
            const double s = sigmoid(p.dot(p.x[i], w));
            for (int k = 0; k < p.features; ++k) {
                g[k] += (s - p.y[i]) * p.x[i][k];
                for (int l = 0; l < p.features; ++l) h[k][l] += s * (1.0 - s) * p.x[i][k] * p.x[i][l];
            }
        }
        double gradient = 0;
        for (int k = 0; k < p.features; ++k) gradient = std::max(gradient, std::abs(g[k]));
        if (gradient < kGradientTolerance) {
            fit.converged = true;
            break;
        }
        const Vec step = solve(h, g, p.features);
        // Halve the step while the objective grows (Newton can overshoot far from the optimum);
        // near it, rounding makes the objective flat, and the full step is taken.
        double t = 1.0;
        Vec next{};
        for (int halvings = 0; halvings < 40; ++halvings, t *= 0.5) {
            for (int k = 0; k < p.features; ++k) next[k] = w[k] - t * step[k];
            const double fNext = p.objective(next);
            if (fNext <= f + 1e-12 * std::abs(f)) {
                f = fNext;
                break;
            }
        }
        w = next;
    }
    fit.iterations = std::min(fit.iterations, kMaxIterations);
    fit.modelWeight = w[0];
    fit.lengthWeight = w[1];
    fit.instructionWeight = p.features > 2 ? w[2] : 0.0;

    double sum = 0;
    for (const auto& x : p.x) sum += sigmoid(w[0] + (p.features > 2 ? w[2] * x[2] : 0.0));
    fit.winRate = sum / static_cast<double>(p.x.size());
    return fit;
}

}  // namespace ladder::eval
