// The importers as a plugin: the shipped plugin takes over the built-in names without doubling
// them, its errors reach the host as ladder::Error, and a plugin of another API version is refused.
#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/data/dataset_import.h"
#include "core/data/importer_registry.h"
#include "core/plugin/plugin_host.h"
#include "tests/data/data_fixtures.h"

namespace ladder::data {
namespace {

TEST(ImporterRegistry, BuiltinsCoverEveryShippedFormat) {
    ImporterRegistry registry;
    std::vector<std::string> names;
    for (const auto& e : registry.entries()) {
        names.push_back(e.name);
        EXPECT_EQ(e.origin, "built-in");
        EXPECT_FALSE(e.description.empty());
    }
    EXPECT_EQ(names,
              (std::vector<std::string>{"alpaca-eval", "alpaca-eval-annotations", "hh-rlhf",
                                        "instruction", "openai-preference", "sharegpt", "trl"}));
}

// Skips a test when the build has no plugins (LADDER_BUILD_PLUGINS=OFF).
#define REQUIRE_IMPORTERS_PLUGIN()                                                                 \
    do {                                                                                           \
        if (std::string(LADDER_IMPORTERS_PLUGIN).empty()) {                                        \
            GTEST_SKIP() << "the ladder-importers plugin is not built (LADDER_BUILD_PLUGINS=OFF)"; \
        }                                                                                          \
    } while (0)

TEST(ImporterPlugin, TakesOverTheBuiltinNamesOnceAndImports) {
    REQUIRE_IMPORTERS_PLUGIN();
    plugin::PluginHost host;
    ASSERT_TRUE(host.load(LADDER_IMPORTERS_PLUGIN)) << host.errors().front().message;
    ASSERT_EQ(host.loaded().size(), 1u);
    EXPECT_EQ(host.loaded()[0].info.name, "ladder-importers");
    EXPECT_EQ(host.registrar().importers().size(), 7u);

    ImporterRegistry registry;
    EXPECT_EQ(registerPluginImporters(host.registrar(), registry), 7);
    EXPECT_EQ(registerPluginImporters(host.registrar(), registry), 7);  // again: still one each
    const auto entries = registry.entries();
    ASSERT_EQ(entries.size(), 7u);
    for (const auto& e : entries) EXPECT_EQ(e.origin, "plugin") << e.name;

    test::WorkspaceFixture f;
    test::writeFile(f.dir / "a.jsonl",
                    "{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"}\n");
    const auto r = importFile(f.db(), f.dir / "a.jsonl", {}, registry);
    EXPECT_EQ(r.format, "trl");
    EXPECT_EQ(r.importerOrigin, "plugin");
    EXPECT_EQ(r.pairs, 1);
}

TEST(ImporterPlugin, ErrorsThrownInsideThePluginAreCaughtAsLadderErrors) {
    REQUIRE_IMPORTERS_PLUGIN();
    plugin::PluginHost host;
    ASSERT_TRUE(host.load(LADDER_IMPORTERS_PLUGIN));
    ImporterRegistry registry(ImporterRegistry::Empty{});
    registerPluginImporters(host.registrar(), registry);
    test::WorkspaceFixture f;
    test::writeFile(f.dir / "cut.json", "[{\"instruction\": \"a\", \"output\": \"b\", ");
    try {
        (void)importFile(f.db(), f.dir / "cut.json", ImportOptions{.format = "alpaca-eval"},
                         registry);
        FAIL() << "expected ladder::Error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("cut.json"), std::string::npos) << e.what();
    }
    // A bad row under abort: the host's sink throws through the plugin's frames.
    test::writeFile(f.dir / "bad.jsonl", "{\"instruction\": \"a\"}\n");
    EXPECT_THROW(
        (void)importFile(f.db(), f.dir / "bad.jsonl",
                         ImportOptions{.format = "instruction", .sourceOverride = "m"}, registry),
        Error);
    EXPECT_EQ(f.count("SELECT count(*) FROM datasets"), 0);
}

TEST(ImporterPlugin, APluginBuiltAgainstAnotherApiVersionIsRefusedWithAClearMessage) {
    plugin::PluginHost host;
    EXPECT_FALSE(host.load(LADDER_WRONG_API_PLUGIN));
    ASSERT_EQ(host.errors().size(), 1u);
    const std::string message = host.errors()[0].message;
    EXPECT_NE(message.find("plugin API 999"), std::string::npos) << message;
    EXPECT_NE(message.find("API " + std::to_string(plugin::kPluginApiVersion)), std::string::npos)
        << message;
    EXPECT_NE(message.find("rebuild"), std::string::npos) << message;
    EXPECT_TRUE(host.loaded().empty());
    EXPECT_TRUE(host.registrar().importers().empty());
}

}  // namespace
}  // namespace ladder::data
