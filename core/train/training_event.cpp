#include "core/train/training_event.h"

namespace ladder::train {

const char* toString(EventKind kind) {
    switch (kind) {
        case EventKind::Started: return "started";
        case EventKind::Step: return "step";
        case EventKind::Eval: return "eval";
        case EventKind::StageChanged: return "stage";
        case EventKind::Checkpoint: return "checkpoint";
        case EventKind::Paused: return "paused";
        case EventKind::Resumed: return "resumed";
        case EventKind::Finished: return "finished";
        case EventKind::Stopped: return "stopped";
        case EventKind::Failed: return "failed";
        case EventKind::Message: return "message";
    }
    return "unknown";
}

}  // namespace ladder::train
