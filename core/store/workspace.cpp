#include "core/store/workspace.h"

#include <sys/statvfs.h>
#include <unistd.h>


#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/common/version.h"
#include "core/store/schema.h"
#include "core/store/workspace_files.h"

namespace ladder::store {
namespace fs = std::filesystem;

namespace {

fs::path folderOf(const fs::path& file) {
    fs::path parent = file.parent_path();
    return parent.empty() ? fs::path(".") : parent;
}

bool writable(const fs::path& p) { return ::access(p.c_str(), W_OK) == 0; }

// A read-only mount, a disc, a write-protected card: nobody writes there, root included (file
// permissions do not stop root), and SQLite cannot make the -shm file that reading WAL needs.
bool onReadOnlyMedium(const fs::path& folder) {
    struct statvfs s {};
    return ::statvfs(folder.c_str(), &s) == 0 && (s.f_flag & ST_RDONLY) != 0;
}

std::string locked(const fs::path& path) {
    return path.string() +
           " is locked by another program (another Ladder window or ladder-cli writing to it?): "
           "wait for it to finish or close it, then open the workspace again";
}

// Throws what to do when the file is shorter than its header says: SQLite's own word for that
// ("malformed", or no Ladder id at all when the header itself is cut) says neither why nor what
// to do. The file is left as it is.
void refuseCutShort(const fs::path& path) {
    const auto cut = cutShort(path);
    if (!cut) return;
    throw Error(path.string() + " is cut short: it has " + std::to_string(cut->size) +
                " bytes where its header needs " + std::to_string(cut->expected) +
                " (a copy or download that stopped part way?), so the disk image is damaged. "
                "Copy it again from where it came, or recover it (`ladder-cli recover -w " +
                path.string() + "`, or open it in the window): its newest backup is restored, or "
                "the rows that are still there are salvaged; the cut file is kept");
}

// Reads application_id and user_version on a read-only connection (a foreign file is never opened
// for writing); turns BUSY into "locked" and SQLite's "not a database" into what to do.
//
// The file is read through SQLite only, never with an ifstream or open()/close() of its own: on
// POSIX, closing any descriptor of a file drops every advisory lock this process holds on it,
// SQLite's included, and this process may already hold a connection (the window opens a workspace
// again and again while its panes and the trainer thread keep theirs). Another process then
// believes it is alone, checkpoints and deletes the WAL under the live connection, and the file
// is damaged. SQLite's own VFS keeps one descriptor per file and process, so its opens and
// closes are safe.
std::pair<std::int64_t, int> readHeader(const fs::path& path, int busyTimeoutMs,
                                        bool immutable = false) {
    try {
        Database probe(path, OpenFlags{.readOnly = true, .busyTimeoutMs = busyTimeoutMs,
                                       .immutable = immutable});
        const auto appId = probe.queryInt64("PRAGMA application_id");
        const auto version = static_cast<int>(probe.queryInt64("PRAGMA user_version"));
        return {appId, version};
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.find("locked") != std::string::npos) throw Error(locked(path));
        refuseCutShort(path);
        if (what.find("not a database") != std::string::npos) {
            throw Error(path.string() + " is not a Ladder workspace (not an SQLite database): "
                        "choose a .ladder file, or use File > New to create one");
        }
        throw;
    }
}

}  // namespace

fs::path checkpointDirFor(const fs::path& workspaceFile) {
    return folderOf(workspaceFile) / (workspaceFile.stem().string() + ".checkpoints");
}

Workspace::Workspace(fs::path path, Database db) : m_path(std::move(path)), m_db(std::move(db)) {}

Workspace Workspace::create(const fs::path& path, bool overwrite) {
    const fs::path folder = folderOf(path);
    if (!fs::is_directory(folder)) {
        throw Error("cannot create " + path.string() + ": the folder " + folder.string() +
                    " does not exist");
    }
    if (!writable(folder)) {
        throw Error("cannot create " + path.string() + ": the folder " + folder.string() +
                    " is read-only; choose a folder you can write to");
    }
    if (fs::exists(path)) {
        if (!overwrite) {
            throw Error(path.string() + " already exists: open it, or choose another name");
        }
        // Only ever replace a Ladder workspace, never some other file the user picked by mistake.
        if (fs::file_size(path) > 0) {
            const auto [appId, version] = readHeader(path, 1000);
            if (appId != kApplicationId) {
                throw Error("will not overwrite " + path.string() +
                            ": it is not a Ladder workspace; choose another name");
            }
        }
        // A run or a window writing to it would go on writing into a deleted file.
        if (workspaceInUse(path)) {
            throw Error("will not overwrite " + path.string() +
                        ": it is open in a Ladder window or a ladder-cli command (a run "
                        "training?); close or stop it first, or choose another name");
        }
        for (const fs::path& f : workspaceFiles(path)) fs::remove(f);
    }

    Database db(path, OpenFlags{.create = true});
    Workspace ws(path, std::move(db));
    ws.configure();
    {
        Transaction tx(ws.m_db);
        ws.m_db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        tx.commit();
    }
    migrate(ws.m_db);
    ws.setInfo("created_at", clock::nowIso());
    ws.setInfo("created_by", std::string("Ladder ") + kVersion);
    log::get("store")->info("created workspace {}", path.string());
    return ws;
}

Workspace Workspace::open(const fs::path& path, const OpenOptions& options) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        throw Error(path.string() + " does not exist: check the path, or use File > New (Ctrl+N) "
                    "or `ladder-cli demo init` to create a workspace");
    }
    if (fs::is_directory(path, ec)) {
        throw Error(path.string() + " is a folder, not a Ladder workspace file (*.ladder)");
    }
    if (::access(path.c_str(), R_OK) != 0) {
        throw Error("cannot read " + path.string() + ": permission denied");
    }
    if (fs::file_size(path, ec) == 0) {
        throw Error(path.string() + " is an empty file, not a Ladder workspace: "
                    "use File > New (Ctrl+N) to create one");
    }
    const bool readOnlyMedium = onReadOnlyMedium(folderOf(path));
    if (readOnlyMedium) {
        if (!options.readOnly) {
            throw Error(path.string() + " is on a read-only medium (a read-only mount, a disc or "
                        "a write-protected card), and Ladder writes beside the workspace (its "
                        "journal and checkpoints): copy it to a folder you can write, or open it "
                        "read-only to browse (File > Open Read-Only)");
        }
        // Its last changes would be in the journal, which an immutable read leaves out.
        if (fs::file_size(path.string() + "-wal", ec) > 0 && !ec) {
            throw Error(path.string() + " is on a read-only medium and its last changes are " +
                        "still in " + path.string() + "-wal, which cannot be read there: copy "
                        "both files to a folder you can write and open the copy");
        }
    }
    const auto [appId, version] = readHeader(path, options.busyTimeoutMs, readOnlyMedium);
    if (appId != kApplicationId) {
        refuseCutShort(path);
        throw Error(path.string() + " is an SQLite database but not a Ladder workspace; "
                    "Ladder left it untouched");
    }
    const int latest = latestSchemaVersion();
    if (version > latest) {
        throw Error(path.string() + " was written by a newer Ladder (schema version " +
                    std::to_string(version) + "; this Ladder " + kVersion + " reads up to " +
                    std::to_string(latest) + "): update Ladder to open it");
    }

    if (options.readOnly) {
        Database db(path, OpenFlags{.readOnly = true, .busyTimeoutMs = options.busyTimeoutMs,
                                    .immutable = readOnlyMedium});
        Workspace ws(path, std::move(db));
        ws.m_db.exec("PRAGMA foreign_keys = ON");
        return ws;
    }

    if (!writable(path)) {
        throw Error(path.string() + " is read-only: copy it somewhere you can write, "
                    "or open it read-only to browse");
    }
    if (!writable(folderOf(path))) {
        throw Error("the folder of " + path.string() +
                    " is read-only, and Ladder writes beside the workspace (its journal and "
                    "checkpoints): copy it to a folder you can write, or open it read-only");
    }

    Database db(path, OpenFlags{.busyTimeoutMs = options.busyTimeoutMs});
    Workspace ws(path, std::move(db));
    try {
        ws.configure();
        if (version < latest) migrate(ws.m_db);
    } catch (const Error& e) {
        if (std::string(e.what()).find("locked") != std::string::npos) throw Error(locked(path));
        throw;
    }
    return ws;
}

Workspace Workspace::openOrCreate(const fs::path& path) {
    return fs::exists(path) ? open(path) : create(path);
}

void Workspace::configure() {
    // WAL: one writer and many readers at once (the trainer writes while the window reads).
    // synchronous=NORMAL is durable at every checkpoint of the WAL and never corrupts on a crash.
    const auto mode = m_db.queryText("PRAGMA journal_mode = WAL");
    if (!mode || *mode != "wal") {
        throw Error(m_path.string() + ": cannot switch to write-ahead logging (journal mode is " +
                    mode.value_or("unknown") + "); is the file on a network share?");
    }
    m_db.exec("PRAGMA synchronous = NORMAL");
    m_db.exec("PRAGMA foreign_keys = ON");
    // Statement journals (a multi-row INSERT inside a transaction opens one) stay in memory: on
    // disk they cost one write per row and made metric ingest ten times slower.
    m_db.exec("PRAGMA temp_store = MEMORY");
}

fs::path Workspace::checkpointDir() const { return checkpointDirFor(m_path); }

int Workspace::schemaVersion() { return store::schemaVersion(m_db); }

WorkspaceSummary Workspace::summary() {
    WorkspaceSummary s;
    auto count = [this](const char* table) {
        return m_db.queryInt64(std::string("SELECT count(*) FROM ") + table);
    };
    s.datasets = count("datasets");
    s.sources = count("sources");
    s.prompts = count("prompts");
    s.responses = count("responses");
    s.ladders = count("ladders");
    s.pairs = count("pairs");
    s.annotations = m_db.queryInt64("SELECT count(*) FROM pair_annotations WHERE status IS NOT NULL");
    s.curricula = count("curricula");
    s.runs = count("runs");
    s.metrics = count("metrics");
    s.checkpoints = count("checkpoints");
    s.evals = count("evals");
    return s;
}

std::string Workspace::info(const std::string& key, const std::string& fallback) {
    auto st = m_db.prepare("SELECT value FROM workspace_info WHERE key = ?");
    st.bind(1, key);
    return st.step() ? st.text(0) : fallback;
}

void Workspace::setInfo(const std::string& key, const std::string& value) {
    m_db.prepare("INSERT INTO workspace_info(key, value) VALUES (?, ?) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(1, key)
        .bind(2, value)
        .run();
}

}  // namespace ladder::store
