// A run configuration of a tiny model on the demo ladder that trains in seconds: the start of the
// trainer's and the evaluator's end-to-end tests.
#pragma once

#include <string>

#include "core/train/run_config.h"

namespace ladder::test {

inline train::RunConfig tinyRunConfig(const std::string& method) {
    train::RunConfig c;
    c.name = method + " test";
    c.method = method;
    c.model.kind = "tiny";
    c.model.overrides = {{"hidden_size", 32}, {"num_hidden_layers", 2}, {"num_attention_heads", 2},
                         {"num_key_value_heads", 2}, {"intermediate_size", 64}};
    c.templateName = "chatml";
    c.data.ladder = "demo";
    c.data.maxLength = 96;
    c.data.maxPromptLength = 64;
    c.optimizer.lr = 3e-3;
    c.batchSize = 4;
    c.threads = 1;  // bit-exact comparisons need the same reduction order every time
    return c;
}

}  // namespace ladder::test
