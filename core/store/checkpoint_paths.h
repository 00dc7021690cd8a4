// Which checkpoint folders Ladder may delete: only what it can prove lies inside the workspace's
// own checkpoints folder, under the run's own run-<id>/ folder, after resolving symlinks. The paths
// come from the workspace file, and a workspace may come from someone else: a row naming
// `/some/folder`, `.`, `..`, or `run-1/link` where link points elsewhere must never delete
// anything outside.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ladder::store {

// The folder a stored checkpoint path (relative to `checkpointRoot`) names, when it lies strictly
// inside <checkpointRoot>/run-<runId>/ once symlinks are resolved; nullopt otherwise, with the
// reason in *why when given.
[[nodiscard]] std::optional<std::filesystem::path> ownedCheckpointFolder(
    const std::filesystem::path& checkpointRoot, std::int64_t runId, const std::string& stored,
    std::string* why = nullptr);

// Removes the folder when ownedCheckpointFolder() allows it. Returns false and logs a warning
// (naming the path and why) when it is not Ladder's to delete; throws ladder::Error when it is
// but cannot be removed.
bool removeCheckpointFolder(const std::filesystem::path& checkpointRoot, std::int64_t runId,
                            const std::string& stored);

// Removes what a killed trainer can leave in <checkpointRoot>/run-<runId>/ besides the checkpoints
// the workspace lists (`listed`, stored paths): step-N folders whose row was already deleted,
// half-written step-N.partial and half-removed step-N.removing folders. Nothing else there is
// touched. Returns how many folders went; a folder that cannot be removed is logged, not thrown.
int removeUnlistedCheckpointFolders(const std::filesystem::path& checkpointRoot,
                                    std::int64_t runId, const std::vector<std::string>& listed);

// Removes <checkpointRoot>/run-<runId> (what is left of it) and the run's lock file, when that
// folder really is inside the checkpoints folder (a symlink there is removed, not followed).
void removeRunFolder(const std::filesystem::path& checkpointRoot, std::int64_t runId);

}  // namespace ladder::store
