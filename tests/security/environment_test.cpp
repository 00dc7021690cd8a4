// Plugins are code: Ladder loads them only from its own folder, the user's data folder and absolute
// folders the user lists, never from the current folder or a temp folder (HOME unset, as under
// cron), and never a file others can write.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/test_support.h"

namespace ladder {
namespace {
namespace fs = std::filesystem;

// `ladder-cli plugins` in `folder` with exactly this environment (plus PATH).
test::CommandResult pluginsWith(const fs::path& folder, const std::string& environment) {
    const std::string command = "cd '" + folder.string() + "' && env -i PATH=/usr/bin:/bin " +
                                environment + " '" +
                                (test::binaryDir() / "bin" / "ladder-cli").string() +
                                "' plugins 2>&1";
    test::CommandResult r;
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.output.append(buffer, n);
    r.exitCode = WEXITSTATUS(::pclose(pipe));
    return r;
}

// A real plugin (the shipped importers) copied where an attacker could put one.
fs::path plant(const fs::path& folder) {
    const fs::path shipped = test::binaryDir() / "lib" / "ladder" / "plugins" / "ladder-importers.so";
    fs::create_directories(folder);
    fs::copy_file(shipped, folder / "evil.so", fs::copy_options::overwrite_existing);
    return folder / "evil.so";
}

class PluginPlaces : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(test::binaryDir() / "lib" / "ladder" / "plugins" / "ladder-importers.so")) {
            GTEST_SKIP() << "the shipped plugins are not built";
        }
    }
    test::TempDir m_dir;
};

TEST_F(PluginPlaces, WithoutAHomeNoPluginsComeFromTheTempFolder) {
    const fs::path tmp = m_dir / "tmp";
    plant(tmp / ".local/share/ladder/plugins");
    // No HOME; a user unknown to the password database cannot be made here, so this checks the
    // fallback Ladder had: the temp folder is never a plugin folder.
    const auto r = pluginsWith(m_dir.path(), "TMPDIR=" + tmp.string());
    EXPECT_EQ(r.output.find("evil.so"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(tmp.string()), std::string::npos) << r.output;
}

TEST_F(PluginPlaces, NeitherTheCurrentFolderNorARelativePluginPathIsSearched) {
    plant(m_dir / "plugins");
    plant(m_dir.path());
    const auto r = pluginsWith(m_dir.path(), "HOME=" + (m_dir / "home").string() +
                                                 " LADDER_PLUGIN_PATH=plugins::.");
    EXPECT_EQ(r.output.find("evil.so"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("not searched: LADDER_PLUGIN_PATH entry 'plugins'"), std::string::npos)
        << r.output;
}

TEST_F(PluginPlaces, APluginOthersCanWriteIsRefusedAndOneOfTheUsersIsLoaded) {
    const fs::path home = m_dir / "home";
    const fs::path folder = home / ".local/share/ladder/plugins";
    const fs::path file = plant(folder);
    fs::permissions(file, fs::perms::others_write, fs::perm_options::add);
    auto r = pluginsWith(m_dir.path(), "HOME=" + home.string());
    EXPECT_NE(r.output.find("failed: " + file.string() + ": not loaded: " + file.string() +
                            " can be written by other users"),
              std::string::npos)
        << r.output;
    fs::permissions(file, fs::perms::others_write, fs::perm_options::remove);
    r = pluginsWith(m_dir.path(), "HOME=" + home.string());
    EXPECT_NE(r.output.find(file.string()), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("failed: " + file.string()), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ladder
