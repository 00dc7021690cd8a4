#include "tests/support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ladder::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    const std::string name = "ladder-test-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter++);
    m_path = fs::temp_directory_path() / name;
    fs::remove_all(m_path);
    fs::create_directories(m_path);
}

TempDir::~TempDir() {
    std::error_code ec;
    // Tests may leave read-only files and folders behind; make them writable to remove them.
    for (auto it = fs::recursive_directory_iterator(m_path, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(m_path, ec);
}

fs::path sharedDir() {
    if (const char* env = std::getenv("LADDER_SHARED_DIR"); env && *env) {
        return fs::exists(env) ? fs::path(env) : fs::path();
    }
    fs::path configured = LADDER_SHARED_DIR;
    return fs::exists(configured) ? fs::weakly_canonical(configured) : fs::path();
}

fs::path binaryDir() { return LADDER_BINARY_DIR; }
fs::path sourceDir() { return LADDER_SOURCE_DIR; }

void writeFile(const fs::path& path, const std::string& content) {
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

CommandResult runLadderCli(const fs::path& folder, const std::string& arguments) {
    const std::string command =
        "cd '" + folder.string() + "' && XDG_DATA_HOME='" + (folder / "data").string() +
        "' XDG_STATE_HOME='" + (folder / "state").string() + "' LADDER_WORKSPACE= '" +
        (binaryDir() / "bin" / "ladder-cli").string() + "' " + arguments + " 2>&1";
    CommandResult r;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return r;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.output.append(buffer, n);
    const int status = ::pclose(pipe);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace ladder::test
