// How this process's heap hands memory back. glibc raises its mmap threshold each time a large
// block is freed (up to 32 MB), after which blocks of training's sizes (a layer's activations, a
// chunk of logits) come from the heap, whose freed middle is not returned: the resident memory of
// a checkpointed run on LibTorch 2 grew by about 65 MiB a layer that nothing used (bench_dpo_memory,
// Qwen2.5-0.5B with LoRA and checkpointing: 5,941 MiB peak with glibc's default, 3,643 with a fixed
// 1 MiB threshold, for about a seventh fewer tokens/s). Training programs fix the threshold at start;
// MALLOC_MMAP_THRESHOLD_ in the environment chooses another.
#pragma once

namespace ladder::heap {

// Blocks of 1 MiB and more are mapped on their own and returned when freed (mallopt
// M_MMAP_THRESHOLD, which also stops glibc's raising of it), unless MALLOC_MMAP_THRESHOLD_ is set
// in the environment (the user's choice stands). A no-op off glibc.
void returnLargeBlocks();

}  // namespace ladder::heap
