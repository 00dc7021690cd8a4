#include "core/store/checkpoint_paths.h"

#include <algorithm>
#include <string_view>
#include <system_error>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/common/paths.h"

namespace ladder::store {
namespace fs = std::filesystem;

namespace {

// True when `inner` is `outer` or below it (both canonical).
bool isWithin(const fs::path& inner, const fs::path& outer) {
    auto o = outer.begin();
    auto i = inner.begin();
    for (; o != outer.end(); ++o, ++i) {
        if (i == inner.end() || *i != *o) return false;
    }
    return true;
}

std::string runFolderName(std::int64_t runId) { return "run-" + std::to_string(runId); }

}  // namespace

std::optional<fs::path> ownedCheckpointFolder(const fs::path& checkpointRoot, std::int64_t runId,
                                              const std::string& stored, std::string* why) {
    auto refuse = [&](const std::string& reason) -> std::optional<fs::path> {
        if (why) *why = reason;
        return std::nullopt;
    };
    const fs::path relative(stored);
    if (stored.empty() || relative.is_absolute()) {
        return refuse("not a path relative to the checkpoints folder");
    }
    // Lexically: run-<id>/<something>, no "." or ".." anywhere.
    auto it = relative.begin();
    if (it == relative.end() || it->string() != runFolderName(runId)) {
        return refuse("not inside this run's folder " + runFolderName(runId) + "/");
    }
    int depth = 0;
    for (const auto& part : relative) {
        if (part == "." || part == ".." || part.empty()) return refuse("contains . or ..");
        ++depth;
    }
    if (depth < 2) return refuse("is the run's whole folder, not one checkpoint");

    std::error_code ec;
    const fs::path root = fs::canonical(checkpointRoot, ec);
    if (ec) return refuse("the checkpoints folder " + checkpointRoot.string() + " does not exist");
    const fs::path runFolder = root / runFolderName(runId);
    const fs::path target = fs::weakly_canonical(root / relative, ec);
    if (ec) return refuse("cannot be resolved: " + ec.message());
    // After symlinks: still strictly below the run's folder, which itself resolves to itself.
    if (fs::weakly_canonical(runFolder, ec) != runFolder || ec) {
        return refuse(runFolder.string() + " is a link out of the checkpoints folder");
    }
    if (target == runFolder || !isWithin(target, runFolder)) {
        return refuse("resolves to " + target.string() + ", outside " + runFolder.string());
    }
    return target;
}

bool removeCheckpointFolder(const fs::path& checkpointRoot, std::int64_t runId,
                            const std::string& stored) {
    std::string why;
    const auto folder = ownedCheckpointFolder(checkpointRoot, runId, stored, &why);
    if (!folder) {
        log::get("store")->warn("run {}: not deleting the checkpoint path '{}' recorded in the "
                                "workspace: it {}", runId, stored, why);
        return false;
    }
    // Renamed first (one atomic step): a kill half way through leaves step-N.removing, never a
    // step-N folder with some of its files gone.
    std::error_code ec;
    fs::path doomed = *folder;
    if (fs::exists(*folder, ec)) {
        doomed = folder->parent_path() / (folder->filename().string() + ".removing");
        paths::removeTree(doomed, ec);
        fs::rename(*folder, doomed, ec);
        if (ec) doomed = *folder;
    }
    paths::removeTree(doomed, ec);
    if (ec) {
        throw Error("cannot delete " + doomed.string() + " of run " + std::to_string(runId) + ": " +
                    ec.message() + " (check the folder's permissions)");
    }
    return true;
}

int removeUnlistedCheckpointFolders(const fs::path& checkpointRoot, std::int64_t runId,
                                    const std::vector<std::string>& listed) {
    std::error_code ec;
    const fs::path root = fs::canonical(checkpointRoot, ec);
    if (ec) return 0;
    const fs::path runFolder = root / runFolderName(runId);
    if (fs::is_symlink(runFolder, ec) || !fs::is_directory(runFolder, ec)) return 0;
    // step-<digits>, optionally .partial or .removing: what the trainer itself names its folders.
    auto ours = [](const std::string& name) {
        std::string base = name;
        for (const char* suffix : {".partial", ".removing"}) {
            if (base.ends_with(suffix)) base.resize(base.size() - std::string_view(suffix).size());
        }
        if (!base.starts_with("step-") || base.size() == 5) return false;
        return base.find_first_not_of("0123456789", 5) == std::string::npos;
    };
    std::vector<fs::path> doomed;
    for (fs::directory_iterator it(runFolder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!ours(name) || it->is_symlink() || !it->is_directory()) continue;
        const std::string stored = runFolderName(runId) + "/" + name;
        if (std::find(listed.begin(), listed.end(), stored) != listed.end()) continue;
        doomed.push_back(it->path());
    }
    int removed = 0;
    for (const auto& folder : doomed) {
        std::error_code rc;
        paths::removeTree(folder, rc);
        if (rc) {
            log::get("store")->warn("run {}: cannot remove the leftover checkpoint folder {}: {}",
                                    runId, folder.string(), rc.message());
        } else {
            ++removed;
        }
    }
    return removed;
}

void removeRunFolder(const fs::path& checkpointRoot, std::int64_t runId) {
    std::error_code ec;
    const fs::path root = fs::canonical(checkpointRoot, ec);
    if (ec) return;  // no checkpoints folder: nothing of the run's on disk
    const fs::path folder = root / runFolderName(runId);
    // removeTree on a symlink removes the link itself, never what it points to.
    paths::removeTree(folder, ec);
    if (ec) {
        throw Error("cannot delete " + folder.string() + " of run " + std::to_string(runId) + ": " +
                    ec.message() + " (check the folder's permissions; the run is kept)");
    }
    fs::remove(root / "locks" / (runFolderName(runId) + ".lock"), ec);
}

}  // namespace ladder::store
