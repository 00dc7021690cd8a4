#include "core/common/heap.h"

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ladder::heap {

void returnLargeBlocks() {
#if defined(__GLIBC__)
    if (std::getenv("MALLOC_MMAP_THRESHOLD_") != nullptr) return;
    (void)::mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

}  // namespace ladder::heap
