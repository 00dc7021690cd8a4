#include "core/model/recompute.h"

#include <mutex>
#include <utility>

#include <ATen/Context.h>
#include <torch/torch.h>

#include "core/model/autocast.h"

namespace ladder::model {
namespace {

// What the backward pass needs besides the saved input: the function, and the state it ran in.
struct Recipe : torch::CustomClassHolder {
    TensorFn fn;
    bool bf16 = false;
    bool preserveRng = false;
    torch::Tensor rngState;  // the default generator's state before fn ran (preserveRng)
};

at::Generator defaultGenerator(const torch::Device& device) {
    return at::globalContext().defaultGenerator(device);
}

class Recompute : public torch::autograd::Function<Recompute> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 c10::intrusive_ptr<Recipe> recipe) {
        if (recipe->preserveRng) {
            auto generator = defaultGenerator(x.device());
            const std::lock_guard<std::mutex> lock(generator.mutex());
            recipe->rngState = generator.get_state();
        }
        ctx->save_for_backward({x});
        ctx->saved_data["recipe"] = c10::IValue::make_capsule(recipe);
        return recipe->fn(x);  // autograd is off here: nothing of fn's insides is kept
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list gradOutputs) {
        const auto recipe = c10::static_intrusive_pointer_cast<Recipe>(
            ctx->saved_data["recipe"].toCapsule());
        const auto x = ctx->get_saved_variables().at(0).detach().requires_grad_(true);
        torch::Tensor y;
        {
            const torch::AutoGradMode gradOn(true);
            const AutocastGuard autocast(x.device(), recipe->bf16);
            if (recipe->preserveRng) {
                auto generator = defaultGenerator(x.device());
                torch::Tensor now;
                {
                    const std::lock_guard<std::mutex> lock(generator.mutex());
                    now = generator.get_state();
                    generator.set_state(recipe->rngState);
                }
                y = recipe->fn(x);
                const std::lock_guard<std::mutex> lock(generator.mutex());
                generator.set_state(now);  // the rest of the run draws on as if nothing happened
            } else {
                y = recipe->fn(x);
            }
        }
        // Into x.grad and every parameter's .grad, as the original graph would have.
        torch::autograd::backward({y}, {gradOutputs.at(0)});
        return {x.grad(), torch::Tensor()};
    }
};

}  // namespace

torch::Tensor recomputed(TensorFn fn, const torch::Tensor& x, bool preserveRng) {
    if (!torch::GradMode::is_enabled()) return fn(x);
    auto recipe = c10::make_intrusive<Recipe>();
    recipe->fn = std::move(fn);
    recipe->bf16 = AutocastGuard::cudaBf16Active();
    recipe->preserveRng = preserveRng;
    // Function::apply records a backward node only when an input needs a gradient; parameters
    // inside fn count too, so x is made to need one (its gradient is simply not used when it had
    // none).
    const auto input = x.requires_grad() ? x : x.detach().requires_grad_(true);
    return Recompute::apply(input, recipe);
}

}  // namespace ladder::model
