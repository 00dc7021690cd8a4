// Safetensors reader and writer. Layout: 8-byte little-endian header size N, N bytes of JSON
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}), then the data area.
#include "core/model/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/atomic_file.h"
#include "core/model/shape_text.h"

namespace ladder::model {
namespace {

static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian data; Ladder reads it on little-endian hosts only");

using nlohmann::json;

// The safetensors library refuses headers over 100 MB; so do we, before allocating for one.
constexpr std::uint64_t kMaxHeaderSize = 100'000'000;

struct DtypeInfo {
    const char* name;
    c10::ScalarType scalarType;
    std::uint64_t size;
};

constexpr std::array kDtypes = {
    DtypeInfo{"F64", c10::ScalarType::Double, 8}, DtypeInfo{"F32", c10::ScalarType::Float, 4},
    DtypeInfo{"F16", c10::ScalarType::Half, 2},   DtypeInfo{"BF16", c10::ScalarType::BFloat16, 2},
    DtypeInfo{"I64", c10::ScalarType::Long, 8},   DtypeInfo{"I32", c10::ScalarType::Int, 4},
    DtypeInfo{"I16", c10::ScalarType::Short, 2},  DtypeInfo{"I8", c10::ScalarType::Char, 1},
    DtypeInfo{"U8", c10::ScalarType::Byte, 1},    DtypeInfo{"BOOL", c10::ScalarType::Bool, 1},
};

const DtypeInfo* dtypeByName(const std::string& name) {
    for (const DtypeInfo& d : kDtypes) {
        if (name == d.name) return &d;
    }
    return nullptr;
}

const DtypeInfo* dtypeByScalarType(c10::ScalarType type) {
    for (const DtypeInfo& d : kDtypes) {
        if (type == d.scalarType) return &d;
    }
    return nullptr;
}

std::string knownDtypes() {
    std::string out;
    for (const DtypeInfo& d : kDtypes) out += (out.empty() ? "" : ", ") + std::string(d.name);
    return out;
}

// Reads exactly `size` bytes at `offset`; false on a short read.
bool readAt(int fd, void* buffer, std::size_t size, std::uint64_t offset) {
    auto* out = static_cast<char*>(buffer);
    while (size > 0) {
        const ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
        if (n <= 0) return false;
        out += n;
        size -= static_cast<std::size_t>(n);
        offset += static_cast<std::uint64_t>(n);
    }
    return true;
}

struct FileDescriptor {
    int fd = -1;
    ~FileDescriptor() {
        if (fd >= 0) ::close(fd);
    }
};

SafetensorsEntry parseEntry(const std::string& source, const std::string& name, const json& value,
                            std::uint64_t dataSize, std::uint64_t dataOffset,
                            std::uint64_t fileSize) {
    const std::string where = source + ": tensor " + name;
    if (!value.is_object()) throw Error(where + ": its header entry is not an object");
    if (!value.contains("dtype") || !value.at("dtype").is_string()) {
        throw Error(where + ": its header entry has no `dtype` string: the header is corrupt");
    }
    SafetensorsEntry e;
    e.name = name;
    e.dtype = value.at("dtype").get<std::string>();
    const DtypeInfo* dtype = dtypeByName(e.dtype);
    if (!dtype) {
        throw Error(where + " has dtype `" + e.dtype + "`, which Ladder cannot read (it reads " +
                    knownDtypes() + ")");
    }
    e.scalarType = dtype->scalarType;
    if (!value.contains("shape") || !value.at("shape").is_array()) {
        throw Error(where + ": its header entry has no `shape` list: the header is corrupt");
    }
    std::uint64_t elements = 1;
    bool overflow = false;
    for (const json& d : value.at("shape")) {
        if (!d.is_number_unsigned()) {
            throw Error(where + ": its shape has an entry that is not a non-negative integer");
        }
        const auto dim = d.get<std::uint64_t>();
        if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            overflow = true;
        }
        e.shape.push_back(static_cast<std::int64_t>(dim));
        if (dim != 0 && elements > std::numeric_limits<std::uint64_t>::max() / dim) overflow = true;
        elements *= dim;
    }
    const json* offsets = value.contains("data_offsets") ? &value.at("data_offsets") : nullptr;
    if (!offsets || !offsets->is_array() || offsets->size() != 2 ||
        !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
        throw Error(where + ": its header entry needs `data_offsets` [begin, end] of two " +
                    "non-negative integers: the header is corrupt");
    }
    e.begin = (*offsets)[0].get<std::uint64_t>();
    e.end = (*offsets)[1].get<std::uint64_t>();
    if (e.end < e.begin) {
        throw Error(where + ": data_offsets [" + std::to_string(e.begin) + ", " +
                    std::to_string(e.end) + "] end before they begin: the header is corrupt");
    }
    if (elements > std::numeric_limits<std::uint64_t>::max() / dtype->size) overflow = true;
    const std::uint64_t bytes = elements * dtype->size;
    if (overflow || bytes != e.end - e.begin) {
        throw Error(where + " has shape " + shapeText(e.shape) + " of " + e.dtype + " (" +
                    (overflow ? std::string("too many") : std::to_string(bytes)) +
                    " bytes) but its data_offsets span " + std::to_string(e.end - e.begin) +
                    " bytes: the header is corrupt");
    }
    if (e.end > dataSize) {
        throw Error(where + " claims bytes " + std::to_string(dataOffset + e.begin) + ".." +
                    std::to_string(dataOffset + e.end) + " but the file has " +
                    std::to_string(fileSize) + " bytes: the file is truncated; download it again");
    }
    return e;
}

}  // namespace

SafetensorsFile::SafetensorsFile(std::filesystem::path path) : m_path(std::move(path)) {
    const std::string source = m_path.string();
    FileDescriptor file;
    file.fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (file.fd < 0) {
        throw Error("cannot open " + source + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        throw Error(source + ": is not a regular file");
    }
    const auto fileSize = static_cast<std::uint64_t>(st.st_size);
    std::array<unsigned char, 8> sizeBytes{};
    if (fileSize < 8 || !readAt(file.fd, sizeBytes.data(), 8, 0)) {
        throw Error(source + ": is " + std::to_string(fileSize) + " bytes, too short to hold " +
                    "the 8-byte header size: the file is truncated or not safetensors");
    }
    std::uint64_t headerSize = 0;
    for (int i = 7; i >= 0; --i) headerSize = (headerSize << 8) | sizeBytes[i];
    if (headerSize > fileSize - 8) {
        throw Error(source + ": the header claims bytes 8.." + std::to_string(8 + headerSize) +
                    " but the file has " + std::to_string(fileSize) +
                    " bytes: the file is truncated or not safetensors; download it again");
    }
    if (headerSize > kMaxHeaderSize || headerSize < 2) {
        throw Error(source + ": header size " + std::to_string(headerSize) +
                    " is not plausible (2 bytes to 100 MB): the file is not safetensors");
    }
    std::string headerText(headerSize, '\0');
    if (!readAt(file.fd, headerText.data(), headerSize, 8)) {
        throw Error(source + ": cannot read the " + std::to_string(headerSize) + "-byte header");
    }
    json header;
    try {
        header = json::parse(headerText);
    } catch (const json::exception& e) {
        throw Error(source + ": the header is not valid JSON (" + e.what() +
                    "): the file is corrupt or not safetensors");
    }
    if (!header.is_object()) throw Error(source + ": the header is not a JSON object");

    m_dataOffset = 8 + headerSize;
    const std::uint64_t dataSize = fileSize - m_dataOffset;
    for (const auto& [name, value] : header.items()) {
        if (name == "__metadata__") {
            if (!value.is_object()) throw Error(source + ": __metadata__ is not an object");
            for (const auto& [key, text] : value.items()) {
                if (!text.is_string()) {
                    throw Error(source + ": __metadata__ field `" + key + "` is not a string");
                }
                m_metadata[key] = text.get<std::string>();
            }
            continue;
        }
        m_entries.emplace(name, parseEntry(source, name, value, dataSize, m_dataOffset, fileSize));
    }

    std::vector<const SafetensorsEntry*> byOffset;
    for (const auto& [name, e] : m_entries) {
        if (e.end > e.begin) byOffset.push_back(&e);
    }
    std::sort(byOffset.begin(), byOffset.end(),
              [](const auto* a, const auto* b) { return a->begin < b->begin; });
    for (std::size_t i = 1; i < byOffset.size(); ++i) {
        const SafetensorsEntry& a = *byOffset[i - 1];
        const SafetensorsEntry& b = *byOffset[i];
        if (b.begin < a.end) {
            throw Error(source + ": tensors " + a.name + " (bytes " + std::to_string(a.begin) +
                        ".." + std::to_string(a.end) + ") and " + b.name + " (bytes " +
                        std::to_string(b.begin) + ".." + std::to_string(b.end) +
                        ") overlap: the header is corrupt");
        }
    }

    m_mapSize = static_cast<std::size_t>(fileSize);
    void* map = ::mmap(nullptr, m_mapSize, PROT_READ, MAP_PRIVATE, file.fd, 0);
    if (map == MAP_FAILED) {
        throw Error("cannot map " + source + " into memory: " + std::strerror(errno));
    }
    m_map = map;
}

SafetensorsFile::~SafetensorsFile() {
    if (m_map) ::munmap(m_map, m_mapSize);
}

std::vector<std::string> SafetensorsFile::names() const {
    std::vector<std::string> out;
    out.reserve(m_entries.size());
    for (const auto& [name, e] : m_entries) out.push_back(name);
    return out;
}

bool SafetensorsFile::contains(const std::string& name) const {
    return m_entries.count(name) > 0;
}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
    const auto it = m_entries.find(name);
    if (it == m_entries.end()) throw Error(m_path.string() + ": has no tensor " + name);
    return it->second;
}

at::Tensor SafetensorsFile::view(const std::string& name) const {
    const SafetensorsEntry& e = entry(name);
    const auto options = torch::TensorOptions().dtype(e.scalarType).device(torch::kCPU);
    char* data = static_cast<char*>(m_map) + m_dataOffset + e.begin;
    const auto elementSize = static_cast<std::uintptr_t>(c10::elementSize(e.scalarType));
    if (reinterpret_cast<std::uintptr_t>(data) % elementSize != 0) {
        // A header length that is not a multiple of 8 misaligns the data; copy instead.
        at::Tensor copy = torch::empty(e.shape, options);
        std::memcpy(copy.data_ptr(), data, e.end - e.begin);
        return copy;
    }
    return torch::from_blob(data, e.shape, options);
}

at::Tensor SafetensorsFile::tensor(const std::string& name, std::optional<c10::ScalarType> dtype,
                                   c10::Device device) const {
    const at::Tensor source = view(name);
    return source.to(device, dtype.value_or(source.scalar_type()), /*non_blocking=*/false,
                     /*copy=*/true);
}

void writeSafetensors(const std::filesystem::path& path,
                      const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      std::optional<c10::ScalarType> floatDtype,
                      const std::map<std::string, std::string>& metadata) {
    const std::string source = path.string();
    if (floatDtype && *floatDtype != torch::kFloat && *floatDtype != torch::kHalf &&
        *floatDtype != torch::kBFloat16) {
        throw Error("writing " + source + ": weights are saved as float32, float16 or bfloat16");
    }
    // Sorted by name, so that the same weights always give the same bytes.
    std::map<std::string, at::Tensor> sorted;
    for (const auto& [name, t] : tensors) {
        if (name == "__metadata__" || name.empty()) {
            throw Error("writing " + source + ": `" + name + "` cannot name a tensor");
        }
        if (!t.defined()) throw Error("writing " + source + ": tensor " + name + " is empty");
        at::Tensor cpu = t.detach();
        if (floatDtype && cpu.is_floating_point()) cpu = cpu.to(*floatDtype);
        if (!dtypeByScalarType(cpu.scalar_type())) {
            throw Error("writing " + source + ": tensor " + name + " has a dtype safetensors " +
                        "cannot hold here (" + std::string(c10::toString(cpu.scalar_type())) + ")");
        }
        cpu = cpu.to(torch::kCPU).contiguous();
        if (!sorted.emplace(name, cpu).second) {
            throw Error("writing " + source + ": tensor name " + name + " appears twice");
        }
    }

    json header = json::object();
    json meta = json::object();
    meta["format"] = "pt";
    for (const auto& [key, value] : metadata) meta[key] = value;
    header["__metadata__"] = meta;
    std::uint64_t offset = 0;
    for (const auto& [name, t] : sorted) {
        const auto bytes = static_cast<std::uint64_t>(t.nbytes());
        header[name] = {{"dtype", dtypeByScalarType(t.scalar_type())->name},
                        {"shape", t.sizes().vec()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string headerText = header.dump();
    headerText.append((8 - headerText.size() % 8) % 8, ' ');

    AtomicFile file(path);
    std::array<char, 8> sizeBytes{};
    std::uint64_t headerSize = headerText.size();
    for (char& b : sizeBytes) {
        b = static_cast<char>(headerSize & 0xff);
        headerSize >>= 8;
    }
    file.stream().write(sizeBytes.data(), sizeBytes.size());
    file.stream().write(headerText.data(), static_cast<std::streamsize>(headerText.size()));
    for (const auto& [name, t] : sorted) {
        file.stream().write(static_cast<const char*>(t.data_ptr()),
                            static_cast<std::streamsize>(t.nbytes()));
    }
    file.commit();
}

}  // namespace ladder::model
