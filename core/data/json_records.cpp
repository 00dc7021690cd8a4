#include "core/data/json_records.h"

#include <algorithm>
#include <array>
#include <fstream>

#include "core/common/error.h"
#include "core/data/record_parser.h"

namespace ladder::data {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Cuts a JSON array into the text of its elements without parsing them, so that an element is
// parsed (and held) alone. Tracks strings and nesting only; nlohmann checks each element fully.
class ArraySplitter {
public:
    enum class Phase { BeforeArray, BeforeElement, InElement, AfterComma, AfterArray };

    // Feeds bytes; calls onElement(text, startLine) for each complete element. Returns false
    // (and sets error()) at the first structural problem.
    template <typename OnElement>
    bool feed(std::string_view bytes, OnElement&& onElement) {
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            const char c = bytes[i];
            if (m_phase == Phase::InElement) {
                if (!consumeElementByte(c, onElement)) return false;
            } else if (!consumeOuterByte(c)) {
                return false;
            }
            if (c == '\n') ++m_line;
        }
        return true;
    }

    [[nodiscard]] Phase phase() const { return m_phase; }
    [[nodiscard]] const std::string& error() const { return m_error; }
    [[nodiscard]] std::int64_t line() const { return m_line; }

private:
    bool consumeOuterByte(char c) {
        if (isSpace(c)) return true;
        if (m_phase == Phase::BeforeArray) {
            if (c == '[') {
                m_phase = Phase::BeforeElement;
                return true;
            }
            return fail(std::string("expected a JSON array ('[') or JSON Lines ('{'), found '") +
                        c + "'");
        }
        if (m_phase == Phase::AfterArray) return fail("text after the end of the array");
        if (c == ']') {
            if (m_phase == Phase::AfterComma) return fail("a comma before ']' (trailing comma)");
            m_phase = Phase::AfterArray;
            return true;
        }
        if (c == ',') return fail("a comma where a record should start (empty record)");
        m_phase = Phase::InElement;
        m_element.clear();
        m_elementLine = m_line;
        m_depth = 0;
        m_inString = false;
        m_escaped = false;
        m_element.push_back(c);
        if (c == '{' || c == '[') ++m_depth;
        if (c == '"') m_inString = true;
        return true;
    }

    template <typename OnElement>
    bool consumeElementByte(char c, OnElement& onElement) {
        if (m_inString) {
            m_element.push_back(c);
            if (m_escaped) {
                m_escaped = false;
            } else if (c == '\\') {
                m_escaped = true;
            } else if (c == '"') {
                m_inString = false;
            }
            return true;
        }
        if (m_depth == 0 && (c == ',' || c == ']')) {
            onElement(m_element, m_elementLine);
            m_phase = c == ',' ? Phase::AfterComma : Phase::AfterArray;
            return true;
        }
        m_element.push_back(c);
        if (c == '"') {
            m_inString = true;
        } else if (c == '{' || c == '[') {
            ++m_depth;
        } else if (c == '}' || c == ']') {
            if (--m_depth < 0) return fail("unbalanced brackets");
        }
        return true;
    }

    bool fail(std::string message) {
        m_error = "line " + std::to_string(m_line) + ": " + std::move(message);
        return false;
    }

    Phase m_phase = Phase::BeforeArray;
    std::string m_element;
    std::int64_t m_line = 1;
    std::int64_t m_elementLine = 1;
    int m_depth = 0;
    bool m_inString = false;
    bool m_escaped = false;
    std::string m_error;
};

// The first character that is not white space or a UTF-8 byte order mark.
char firstSignificant(std::string_view bytes) {
    std::size_t i = 0;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
    while (i < bytes.size() && isSpace(bytes[i])) ++i;
    return i < bytes.size() ? bytes[i] : '\0';
}

void parseElement(const std::string& text, const RowLocation& at, ImportSink& sink,
                  const RecordCallback& onRecord) {
    json value;
    std::string error;
    if (!parseJsonRecord(text, value, &error)) {
        sink.badRow({at, "", "not valid JSON (" + error + ")"});
        return;
    }
    onRecord(value, at);
}

void readArray(std::ifstream& in, const fs::path& path, ImportSink& sink,
               const RecordCallback& onRecord) {
    ArraySplitter splitter;
    std::int64_t row = 0;
    // A small file gets a buffer of its size: a 1 MiB one for each of many small files (tests,
    // the fuzz target) cost more than reading them.
    std::error_code error;
    const std::uintmax_t fileBytes = fs::file_size(path, error);
    const std::size_t chunkBytes =
        error ? kChunkBytes : static_cast<std::size_t>(std::clamp<std::uintmax_t>(
                                  fileBytes, 1, kChunkBytes));
    std::string chunk(chunkBytes, '\0');
    bool first = true;
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        std::string_view bytes(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (first && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
        first = false;
        const bool ok = splitter.feed(bytes, [&](const std::string& text, std::int64_t line) {
            parseElement(text, RowLocation{row++, line}, sink, onRecord);
        });
        if (!ok) throw Error(path.string() + ": " + splitter.error());
    }
    if (in.bad()) throw Error("error while reading " + path.string());
    if (splitter.phase() != ArraySplitter::Phase::AfterArray) {
        throw Error(path.string() + ": the JSON array is not closed (the file ends at line " +
                    std::to_string(splitter.line()) +
                    "): the file is probably cut short; copy or download it again");
    }
}

void readLines(std::ifstream& in, const fs::path& path, ImportSink& sink,
               const RecordCallback& onRecord) {
    std::string line;
    std::int64_t lineNumber = 0;
    std::int64_t row = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (lineNumber == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (firstSignificant(line) == '\0') continue;  // blank lines carry no record
        parseElement(line, RowLocation{row++, lineNumber}, sink, onRecord);
    }
    if (in.bad()) throw Error("error while reading " + path.string());
}

}  // namespace

void forEachJsonRecord(const fs::path& path, ImportSink& sink, const RecordCallback& onRecord) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path.string() + ": check that it exists and is readable");
    std::array<char, 4096> head{};
    in.read(head.data(), head.size());
    const char first = firstSignificant(std::string_view(head.data(), in.gcount()));
    in.clear();
    in.seekg(0);
    if (first == '[') {
        readArray(in, path, sink, onRecord);
    } else if (first == '{') {
        readLines(in, path, sink, onRecord);
    } else if (first == '\0') {
        throw Error(path.string() + " is empty (or only white space): nothing to import");
    } else {
        throw Error(path.string() +
                    " is neither a JSON array of records ('[' first) nor JSON "
                    "Lines (one '{...}' object per line): check that it is the right file");
    }
}

std::optional<json> firstJsonRecord(std::string_view firstBytes) {
    const char first = firstSignificant(firstBytes);
    std::string text;
    if (first == '[') {
        ArraySplitter splitter;
        bool found = false;
        if (firstBytes.substr(0, 3) == "\xEF\xBB\xBF") firstBytes.remove_prefix(3);
        splitter.feed(firstBytes, [&](const std::string& element, std::int64_t) {
            if (!found) text = element;
            found = true;
        });
        if (!found) return std::nullopt;
    } else if (first == '{') {
        const std::size_t start = firstBytes.find('{');
        const std::size_t end = firstBytes.find('\n', start);
        text = std::string(
            firstBytes.substr(start, end == std::string_view::npos ? end : end - start));
    } else {
        return std::nullopt;
    }
    json value;
    if (!parseJsonRecord(text, value, nullptr)) return std::nullopt;
    return value;
}

RecordFields::RecordFields(const json& record, const RowLocation& at, ImportSink& sink)
    : m_record(record), m_at(at), m_sink(sink) {}

bool RecordFields::isObject() {
    if (m_record.is_object()) return true;
    bad("", std::string("expected a JSON object (a record with named fields), found ") +
                m_record.type_name());
    return false;
}

std::optional<std::string> RecordFields::presentName(
    std::initializer_list<const char*> names) const {
    for (const char* name : names) {
        if (const auto it = m_record.find(name); it != m_record.end() && !it->is_null()) {
            return std::string(name);
        }
    }
    return std::nullopt;
}

const json* RecordFields::value(std::initializer_list<const char*> names, bool required) {
    for (const char* name : names) {
        if (const auto it = m_record.find(name); it != m_record.end() && !it->is_null()) {
            return &*it;
        }
    }
    if (required) {
        bad(*names.begin(), "missing (expected a field named " + joinAlternatives(names) + ")");
    }
    return nullptr;
}

std::optional<std::string> RecordFields::text(std::initializer_list<const char*> names,
                                              bool required) {
    const json* v = value(names, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
        const std::string name = presentName(names).value_or(*names.begin());
        bad(name, std::string("expected text (a JSON string), found ") + v->type_name());
        return std::nullopt;
    }
    return v->get<std::string>();
}

void RecordFields::bad(const std::string& field, const std::string& message) {
    if (m_reported) return;  // one report per row: the first problem is the one to fix
    m_reported = true;
    m_sink.badRow({m_at, field, message});
}

std::string joinAlternatives(std::initializer_list<const char*> names) {
    std::string out;
    std::size_t i = 0;
    for (const char* name : names) {
        if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
        out += '`';
        out += name;
        out += '`';
        ++i;
    }
    return out;
}

bool hasAllKeys(const json& record, std::initializer_list<const char*> names) {
    if (!record.is_object()) return false;
    for (const char* name : names) {
        if (!record.contains(name)) return false;
    }
    return true;
}

bool hasAnyKey(const json& record, std::initializer_list<const char*> names) {
    if (!record.is_object()) return false;
    for (const char* name : names) {
        if (record.contains(name)) return true;
    }
    return false;
}

}  // namespace ladder::data
