// Safetensors: round trips in every dtype the writer stores, and corrupt files that each end in a
// ladder::Error naming the file and the tensor.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/model/safetensors.h"
#include "tests/model/model_test_util.h"
#include "tests/support/test_support.h"

namespace ladder::model {
namespace {

using test::errorOf;

// A file from a header text and a data area, with the header size field set to `headerSize`
// (the header's real length when negative).
void writeRaw(const std::filesystem::path& path, const std::string& header, const std::string& data,
              std::int64_t headerSize = -1) {
    std::uint64_t size = headerSize < 0 ? header.size() : static_cast<std::uint64_t>(headerSize);
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((size >> (8 * i)) & 0xff);
    ladder::test::writeFile(path, bytes + header + data);
}

void expectContains(const std::string& message, const std::vector<std::string>& parts) {
    for (const auto& part : parts) {
        EXPECT_NE(message.find(part), std::string::npos) << "`" << part << "` not in: " << message;
    }
}

TEST(Safetensors, RoundTripKeepsValuesShapesAndIntegerTensors) {
    ladder::test::TempDir dir;
    torch::manual_seed(3);
    const auto weight = torch::randn({3, 5});
    const auto ids = torch::arange(12, torch::kLong).reshape({3, 4});
    const auto empty = torch::zeros({0, 4});
    writeSafetensors(dir / "w.safetensors", {{"b.weight", weight}, {"a.ids", ids}, {"e", empty}});

    const SafetensorsFile file(dir / "w.safetensors");
    EXPECT_EQ(file.names(), (std::vector<std::string>{"a.ids", "b.weight", "e"}));
    EXPECT_EQ(file.metadata().at("format"), "pt");
    EXPECT_EQ(file.entry("b.weight").dtype, "F32");
    EXPECT_EQ(file.entry("a.ids").dtype, "I64");
    EXPECT_TRUE(torch::equal(file.tensor("b.weight"), weight));
    EXPECT_TRUE(torch::equal(file.tensor("a.ids"), ids));
    EXPECT_EQ(file.tensor("e").sizes(), empty.sizes());
    EXPECT_TRUE(torch::equal(file.tensor("b.weight", torch::kDouble), weight.to(torch::kDouble)));

    // The header is padded so that the data area starts 8-byte aligned.
    const std::string raw = ladder::test::readFile(dir / "w.safetensors");
    std::uint64_t headerSize = 0;
    for (int i = 7; i >= 0; --i)
        headerSize = (headerSize << 8) | static_cast<unsigned char>(raw[i]);
    EXPECT_EQ(headerSize % 8, 0u);
    EXPECT_EQ(raw.size(), 8 + headerSize + 15 * 4 + 12 * 8);
}

TEST(Safetensors, WritesHalfAndBfloat16ButKeepsIntegers) {
    ladder::test::TempDir dir;
    torch::manual_seed(4);
    const auto weight = torch::randn({4, 6});
    const auto ids = torch::tensor({1, 2, 3}, torch::kLong);
    for (const auto dtype : {torch::kHalf, torch::kBFloat16}) {
        writeSafetensors(dir / "h.safetensors", {{"w", weight}, {"ids", ids}}, dtype);
        const SafetensorsFile file(dir / "h.safetensors");
        EXPECT_EQ(file.entry("w").dtype, dtype == torch::kHalf ? "F16" : "BF16");
        EXPECT_EQ(file.entry("ids").dtype, "I64");
        EXPECT_TRUE(torch::equal(file.tensor("w"), weight.to(dtype)));
        EXPECT_TRUE(
            torch::equal(file.tensor("w", torch::kFloat), weight.to(dtype).to(torch::kFloat)));
    }
}

TEST(Safetensors, AcceptsForeignMetadataAndUnalignedHeaders) {
    ladder::test::TempDir dir;
    // 2 floats, header length deliberately not a multiple of 8 (other writers may do that).
    const std::string header =
        R"({"__metadata__":{"format":"pt","source":"x"},"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    float values[2] = {1.5f, -2.25f};
    writeRaw(dir / "m.safetensors", header,
             std::string(reinterpret_cast<const char*>(values), sizeof(values)));
    const SafetensorsFile file(dir / "m.safetensors");
    EXPECT_EQ(file.metadata().at("source"), "x");
    EXPECT_TRUE(torch::equal(file.tensor("t"), torch::tensor({1.5f, -2.25f})));
}

TEST(Safetensors, TruncatedFileNamesTensorAndSaysDownloadAgain) {
    ladder::test::TempDir dir;
    const auto path = dir / "model.safetensors";
    writeSafetensors(path, {{"model.layers.3.mlp.up_proj.weight", torch::ones({10, 10})}});
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 40);
    const std::string message = errorOf([&] { SafetensorsFile file(path); });
    expectContains(message, {"model.safetensors", "model.layers.3.mlp.up_proj.weight",
                             "claims bytes", "truncated", "download it again"});
}

TEST(Safetensors, HeaderSizePastEndOfFile) {
    ladder::test::TempDir dir;
    writeRaw(dir / "h.safetensors", "{}", "", /*headerSize=*/1000);
    expectContains(errorOf([&] { SafetensorsFile file(dir / "h.safetensors"); }),
                   {"h.safetensors", "8..1008", "truncated"});
    ladder::test::writeFile(dir / "short.safetensors", "abc");
    expectContains(errorOf([&] { SafetensorsFile file(dir / "short.safetensors"); }),
                   {"short.safetensors", "too short"});
}

TEST(Safetensors, OverlappingRangesAreCorrupt) {
    ladder::test::TempDir dir;
    const std::string header = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                               R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})";
    writeRaw(dir / "o.safetensors", header, std::string(24, '\0'));
    expectContains(errorOf([&] { SafetensorsFile file(dir / "o.safetensors"); }),
                   {"o.safetensors", "tensors a", "b", "overlap"});
}

TEST(Safetensors, UnknownDtypeIsNamed) {
    ladder::test::TempDir dir;
    writeRaw(dir / "d.safetensors", R"({"q":{"dtype":"Q4","shape":[2],"data_offsets":[0,1]}})",
             std::string(1, '\0'));
    expectContains(errorOf([&] { SafetensorsFile file(dir / "d.safetensors"); }),
                   {"d.safetensors", "tensor q", "`Q4`", "F32"});
}

TEST(Safetensors, ShapeThatDisagreesWithByteRange) {
    ladder::test::TempDir dir;
    writeRaw(dir / "s.safetensors", R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})",
             std::string(12, '\0'));
    expectContains(errorOf([&] { SafetensorsFile file(dir / "s.safetensors"); }),
                   {"s.safetensors", "tensor w", "[2, 2]", "16 bytes", "span 12"});
    // A shape whose byte count overflows 64 bits is caught, not wrapped around.
    writeRaw(dir / "s.safetensors",
             R"({"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", "");
    expectContains(errorOf([&] { SafetensorsFile file(dir / "s.safetensors"); }),
                   {"tensor w", "too many"});
}

TEST(Safetensors, InvalidJsonAndMalformedEntries) {
    ladder::test::TempDir dir;
    writeRaw(dir / "j.safetensors", R"({"w": {"dtype": "F32", )", "");
    expectContains(errorOf([&] { SafetensorsFile file(dir / "j.safetensors"); }),
                   {"j.safetensors", "not valid JSON"});
    writeRaw(dir / "j.safetensors", R"(["a list"])", "");
    expectContains(errorOf([&] { SafetensorsFile file(dir / "j.safetensors"); }),
                   {"not a JSON object"});
    writeRaw(dir / "j.safetensors", R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})",
             "");
    expectContains(errorOf([&] { SafetensorsFile file(dir / "j.safetensors"); }),
                   {"tensor w", "shape"});
    writeRaw(dir / "j.safetensors", R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})",
             std::string(8, '\0'));
    expectContains(errorOf([&] { SafetensorsFile file(dir / "j.safetensors"); }),
                   {"tensor w", "data_offsets"});
}

TEST(Safetensors, MissingTensorAndMissingFile) {
    ladder::test::TempDir dir;
    writeSafetensors(dir / "x.safetensors", {{"w", torch::ones({2})}});
    const SafetensorsFile file(dir / "x.safetensors");
    expectContains(errorOf([&] { (void)file.tensor("nope"); }), {"x.safetensors", "nope"});
    expectContains(errorOf([&] { SafetensorsFile f(dir / "absent.safetensors"); }),
                   {"absent.safetensors"});
}

TEST(Safetensors, WriterRefusesDuplicateNamesAndLeavesNoTemporaryFile) {
    ladder::test::TempDir dir;
    expectContains(errorOf([&] {
                       writeSafetensors(dir / "d.safetensors",
                                        {{"w", torch::ones({1})}, {"w", torch::ones({1})}});
                   }),
                   {"w", "twice"});
    writeSafetensors(dir / "ok.safetensors", {{"w", torch::ones({1})}});
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
        names.push_back(e.path().filename().string());
    }
    EXPECT_EQ(names, std::vector<std::string>{"ok.safetensors"});
}

}  // namespace
}  // namespace ladder::model
