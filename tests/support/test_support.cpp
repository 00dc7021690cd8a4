#include "tests/support/test_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/common/paths.h"

extern char** environ;

namespace ladder::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    const std::string name = "ladder-test-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter++);
    m_path = fs::temp_directory_path() / name;
    paths::removeTree(m_path);
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
    paths::removeTree(m_path, ec);
}

fs::path sharedDir() {
    if (const char* env = std::getenv("LADDER_SHARED_DIR"); env && *env) {
        return fs::exists(env) ? fs::path(env) : fs::path();
    }
    fs::path configured = LADDER_SHARED_DIR;
    return fs::exists(configured) ? fs::weakly_canonical(configured) : fs::path();
}

fs::path binaryDir() {
    // Another build's programs (e.g. an older commit's, to see a regression test fail on the code
    // before its fix): LADDER_TEST_BINARY_DIR=/path/to/that/build.
    if (const char* other = std::getenv("LADDER_TEST_BINARY_DIR"); other && *other) return other;
    return LADDER_BINARY_DIR;
}
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

int startLadderCli(const fs::path& folder, const std::vector<std::string>& arguments,
                   const fs::path& output) {
    std::vector<std::string> words{(binaryDir() / "bin" / "ladder-cli").string()};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addchdir_np(&actions, folder.c_str());
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, words[0].c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

KillAtExit::~KillAtExit() {
    if (m_pid <= 0) return;
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == 0) {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, &status, 0);
    }
}

int waitForExit(int pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace ladder::test
