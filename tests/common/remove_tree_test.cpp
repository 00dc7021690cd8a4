// paths::removeTree keeps std::filesystem::remove_all's contract (the count it returns, symlinks
// removed and never followed, a missing path is 0), checked against libstdc++'s remove_all itself:
// this program links no LibTorch, so its remove_all is the system's.
#include <gtest/gtest.h>

#include <fstream>

#include "core/common/paths.h"
#include "tests/support/test_support.h"

namespace ladder::paths {
namespace {
namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

// A tree with files, nested and empty folders, a symlink to a file outside and one to a folder
// outside; returns its root.
fs::path makeTree(const fs::path& root, const fs::path& outside) {
    write(root / "a.txt", "a");
    write(root / "sub" / "b.bin", "bb");
    write(root / "sub" / "deeper" / "c", "ccc");
    fs::create_directories(root / "empty");
    fs::create_directory_symlink(outside, root / "sub" / "to-outside");
    fs::create_symlink(outside / "kept.txt", root / "link-to-file");
    return root;
}

TEST(RemoveTree, RemovesWhatRemoveAllRemovesAndCountsTheSame) {
    test::TempDir dir;
    const fs::path outside = dir / "outside";
    write(outside / "kept.txt", "must survive");
    write(outside / "nested" / "kept2.txt", "must survive too");

    const fs::path mine = makeTree(dir / "mine", outside);
    const fs::path theirs = makeTree(dir / "theirs", outside);
    const std::uintmax_t expected = fs::remove_all(theirs);
    EXPECT_EQ(expected, 9u);  // 4 files or links, 3 folders below the root, the root, the folder link
    std::error_code ec;
    EXPECT_EQ(removeTree(mine, ec), expected);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_FALSE(fs::exists(fs::symlink_status(mine)));
    // Links were removed, not followed.
    EXPECT_TRUE(fs::exists(outside / "kept.txt"));
    EXPECT_TRUE(fs::exists(outside / "nested" / "kept2.txt"));
}

TEST(RemoveTree, ASymlinkToAFolderGoesAloneAndAFileCountsOne) {
    test::TempDir dir;
    write(dir / "target" / "x", "x");
    fs::create_directory_symlink(dir / "target", dir / "link");
    EXPECT_EQ(removeTree(dir / "link"), 1u);
    EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "link")));
    EXPECT_TRUE(fs::exists(dir / "target" / "x"));
    EXPECT_EQ(removeTree(dir / "target" / "x"), 1u);
    EXPECT_TRUE(fs::is_empty(dir / "target"));
}

TEST(RemoveTree, AMissingPathIsZeroWithoutAnError) {
    test::TempDir dir;
    std::error_code ec;
    EXPECT_EQ(removeTree(dir / "never-made", ec), fs::remove_all(dir / "never-made"));
    EXPECT_EQ(removeTree(dir / "never-made", ec), 0u);
    EXPECT_FALSE(ec);
    EXPECT_NO_THROW(removeTree(dir / "never-made"));
}

}  // namespace
}  // namespace ladder::paths
