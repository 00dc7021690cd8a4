// Fuzz target: a run config (`ladder-cli train --config FILE`, or one stored in a workspace from
// someone else): parsed, checked, written back and read again, which must give the same config.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/train/run_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto config =
            ladder::train::parseRunConfig(ladder::json::parseText(text, "run.json"), "run.json");
        (void)ladder::train::validate(config);
        (void)ladder::train::cliCommand("w.ladder", "run.json", config);
        const nlohmann::json written = ladder::train::toJson(config);
        const auto again = ladder::train::parseRunConfig(written, "written run.json");
        if (ladder::train::toJson(again) != written) __builtin_trap();
    } catch (const ladder::Error&) {
    }
    return 0;
}
