#include "core/common/error.h"

namespace ladder {

std::string withContext(const std::string& context, const std::string& cause) {
    if (context.empty()) return cause;
    return context + ": " + cause;
}

}  // namespace ladder
