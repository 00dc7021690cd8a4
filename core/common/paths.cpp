#include "core/common/paths.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace ladder::paths {
namespace fs = std::filesystem;
namespace {

// The home folder in the password database (cron jobs and services often run without HOME).
fs::path passwordHome() {
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(static_cast<std::size_t>(size > 0 ? size : 16384));
    struct passwd entry {};
    struct passwd* found = nullptr;
    if (::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found ||
        !found->pw_dir || found->pw_dir[0] != '/') {
        return {};
    }
    return found->pw_dir;
}

// An XDG variable counts only when it is set to an absolute path (the specification says so).
// Without one and without a home, per-user files go to a private folder under the temp folder.
fs::path xdg(const char* variable, const char* fallbackUnderHome) {
    if (const char* value = std::getenv(variable); value && value[0] == '/') {
        return fs::path(value) / "ladder";
    }
    if (const fs::path home = homeDir(); !home.empty()) return home / fallbackUnderHome / "ladder";
    return privateTempDir() / fallbackUnderHome / "ladder";
}

}  // namespace

fs::path homeDir() {
    if (const char* home = std::getenv("HOME"); home && home[0] == '/') return home;
    return passwordHome();
}

fs::path privateTempDir() {
    std::error_code ec;
    const fs::path dir = fs::temp_directory_path(ec) / ("ladder-" + std::to_string(::getuid()));
    ::mkdir(dir.c_str(), 0700);
    struct stat st {};
    // Ours, a real folder (not a link someone planted), and closed to others.
    if (::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::getuid() &&
        (st.st_mode & 0077) == 0) {
        return dir;
    }
    // Someone else made it first: a fresh private folder of our own instead.
    std::string name = (fs::temp_directory_path(ec) / "ladder-XXXXXX").string();
    if (::mkdtemp(name.data())) return name;
    return fs::temp_directory_path(ec);
}

fs::path stateDir() { return xdg("XDG_STATE_HOME", ".local/state"); }
fs::path dataDir() { return xdg("XDG_DATA_HOME", ".local/share"); }
fs::path configDir() { return xdg("XDG_CONFIG_HOME", ".config"); }

fs::path userPluginDir() {
    // Plugins are code: only from the user's own data folder, never from a temp folder.
    if (const char* value = std::getenv("XDG_DATA_HOME"); value && value[0] == '/') {
        return fs::path(value) / "ladder" / "plugins";
    }
    const fs::path home = homeDir();
    return home.empty() ? fs::path() : home / ".local/share/ladder/plugins";
}

fs::path executableDir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

std::uintmax_t removeTree(const fs::path& path, std::error_code& ec) {
    ec.clear();
    const fs::file_status status = fs::symlink_status(path, ec);
    if (ec) {
        if (ec == std::errc::no_such_file_or_directory) ec.clear();
        return 0;
    }
    if (status.type() == fs::file_type::not_found) return 0;
    std::uintmax_t removed = 0;
    if (status.type() == fs::file_type::directory) {
        // Collect first: removing entries while iterating leaves the iterator unspecified.
        std::vector<fs::path> children;
        for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
            children.push_back(it->path());
        if (ec) return removed;
        for (const fs::path& child : children) {
            removed += removeTree(child, ec);
            if (ec) return removed;
        }
    }
    if (fs::remove(path, ec)) ++removed;
    return removed;
}

std::uintmax_t removeTree(const fs::path& path) {
    std::error_code ec;
    const std::uintmax_t removed = removeTree(path, ec);
    if (ec) throw fs::filesystem_error("cannot remove", path, ec);
    return removed;
}

}  // namespace ladder::paths
