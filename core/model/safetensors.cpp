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

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/atomic_file.h"

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
};

// The names match safetensors_header.cpp's, which also knows their sizes.
constexpr std::array kDtypes = {
    DtypeInfo{"F64", c10::ScalarType::Double}, DtypeInfo{"F32", c10::ScalarType::Float},
    DtypeInfo{"F16", c10::ScalarType::Half},   DtypeInfo{"BF16", c10::ScalarType::BFloat16},
    DtypeInfo{"I64", c10::ScalarType::Long},   DtypeInfo{"I32", c10::ScalarType::Int},
    DtypeInfo{"I16", c10::ScalarType::Short},  DtypeInfo{"I8", c10::ScalarType::Char},
    DtypeInfo{"U8", c10::ScalarType::Byte},    DtypeInfo{"BOOL", c10::ScalarType::Bool},
};

c10::ScalarType scalarTypeOf(const std::string& name) {
    for (const DtypeInfo& d : kDtypes) {
        if (name == d.name) return d.scalarType;
    }
    throw Error("safetensors dtype " + name + " has no LibTorch type");  // the parser refused it
}

const DtypeInfo* dtypeByScalarType(c10::ScalarType type) {
    for (const DtypeInfo& d : kDtypes) {
        if (type == d.scalarType) return &d;
    }
    return nullptr;
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
    m_dataOffset = 8 + headerSize;
    SafetensorsHeader header = parseSafetensorsHeader(headerText, fileSize - m_dataOffset, source);
    m_metadata = std::move(header.metadata);
    for (auto& [name, info] : header.tensors) {
        const c10::ScalarType type = scalarTypeOf(info.dtype);
        m_entries.emplace(name, SafetensorsEntry{std::move(info), type});
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
