// Three simulated "models" of graded strength that answer demo prompts: strong (almost always
// right and well formatted), medium (often right) and weak (mostly wrong or off-format). Their
// mistakes are the plausible kind (a letter out of place, a sum off by one, the wrong word).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/demo/demo_tasks.h"

namespace ladder::demo {

struct ModelProfile {
    std::string name;
    double correct = 1.0;    // chance that the answer's content is right
    double formatted = 1.0;  // chance that it comes without wrapper words or punctuation
};

// strong, medium, weak (strongest first: the demo ladder's order).
[[nodiscard]] const std::vector<ModelProfile>& demoModels();

// The model's answer to prompt number `index`; the same for the same seed everywhere.
[[nodiscard]] std::string simulateAnswer(const DemoPrompt& prompt, const ModelProfile& model,
                                         std::uint64_t seed, std::uint64_t index);

}  // namespace ladder::demo
