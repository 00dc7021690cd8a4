// How many tokens a training pair may take (a run config's data.max_length and
// max_prompt_length); tokenizePair (batch.h) cuts by them.
#pragma once

namespace ladder::train {

struct LengthCaps {
    int maxLength = 256;        // prompt + the longer answer, in tokens
    int maxPromptLength = 128;  // prompt tokens kept when prompt + answer is too long
};

}  // namespace ladder::train
