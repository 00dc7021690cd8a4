// A run configuration small enough for tests: a tiny model on the demo ladder, short sequences,
// four pairs a batch, one thread, no evaluation or checkpoints unless a test asks. Seconds, not
// minutes. Tests change the fields they are about.
#pragma once

#include <string>

#include "core/train/run_config.h"

namespace ladder::test {

inline train::RunConfig tinyRunConfig(const std::string& method, int steps) {
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
    c.maxSteps = steps;
    c.evalEvery = 0;
    c.evalPairs = 16;
    c.checkpointEvery = 0;
    c.keepCheckpoints = 1;
    c.marginPairs = 0;
    c.threads = 1;  // bit-exact comparisons need the same reduction order every time
    c.seed = 3;
    return c;
}

}  // namespace ladder::test
