// Safetensors files (https://huggingface.co/docs/safetensors): a validating, memory-mapped reader
// and an atomic writer. The header is checked in full before any tensor byte is touched, so a
// truncated or corrupt file ends in a ladder::Error naming the file and the tensor, never a crash.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include "core/model/safetensors_header.h"

namespace ladder::model {

struct SafetensorsEntry : SafetensorsTensorInfo {
    c10::ScalarType scalarType;  // the header's dtype as a torch dtype
};

class SafetensorsFile {
public:
    // Reads and validates the header, then maps the file read-only. Throws ladder::Error.
    explicit SafetensorsFile(std::filesystem::path path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::vector<std::string> names() const;  // sorted
    [[nodiscard]] bool contains(const std::string& name) const;
    // Throws ladder::Error naming the file when there is no such tensor.
    [[nodiscard]] const SafetensorsEntry& entry(const std::string& name) const;
    [[nodiscard]] const std::map<std::string, std::string>& metadata() const { return m_metadata; }

    // A CPU tensor over the mapped bytes, in the file's dtype, without a copy: read-only, and
    // valid only while this object lives. Use it as the source of a copy_().
    [[nodiscard]] at::Tensor view(const std::string& name) const;
    // An owning copy, converted to `dtype` (the file's own when absent) on `device`.
    [[nodiscard]] at::Tensor tensor(const std::string& name,
                                    std::optional<c10::ScalarType> dtype = std::nullopt,
                                    c10::Device device = c10::Device(c10::kCPU)) const;

private:
    std::filesystem::path m_path;
    std::map<std::string, SafetensorsEntry> m_entries;
    std::map<std::string, std::string> m_metadata;
    std::uint64_t m_dataOffset = 0;  // 8 + header size
    void* m_map = nullptr;
    std::size_t m_mapSize = 0;
};

// Writes `tensors` (names unique) to `path` atomically: temporary file, then rename. Floating
// tensors are stored as `floatDtype` (kFloat, kHalf or kBFloat16) when given, else in their own
// dtype; integer and bool tensors keep theirs. The header is padded to 8 bytes and carries
// __metadata__ {"format": "pt"} plus `metadata`.
void writeSafetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      std::optional<c10::ScalarType> floatDtype = std::nullopt,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace ladder::model
