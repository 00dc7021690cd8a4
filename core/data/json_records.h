// Streaming reader for record files: a JSON array of objects or JSON Lines, one record in memory at
// a time (a 1 GB file costs the size of its largest record), with each record's row and line
// number. Also the field helpers importers share to read a record and report what is wrong with it.
#pragma once

#include <filesystem>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/importer.h"

namespace ladder::data {

using RecordCallback = std::function<void(const nlohmann::json& record, const RowLocation& at)>;

// Calls onRecord for every record of a JSON array file ('[' first) or JSON Lines file ('{' first).
// A record that is not valid JSON goes to sink.badRow(); a file that is neither form, or an array
// cut short, throws ladder::Error naming the file.
void forEachJsonRecord(const std::filesystem::path& path, ImportSink& sink,
                       const RecordCallback& onRecord);

// The first complete record in the first bytes of a file, for Importer::detect(); nullopt when
// there is none (not JSON, or the first record is longer than the bytes given).
[[nodiscard]] std::optional<nlohmann::json> firstJsonRecord(std::string_view firstBytes);

// Reads the fields of one record. A missing or mistyped required field is reported to the sink
// once and makes the accessor return nullopt, so that an importer leaves the row out.
class RecordFields {
public:
    RecordFields(const nlohmann::json& record, const RowLocation& at, ImportSink& sink);

    // False (reported) when the record is not a JSON object.
    [[nodiscard]] bool isObject();
    // The first of several alternative names that is present, or nullopt.
    [[nodiscard]] std::optional<std::string> presentName(
        std::initializer_list<const char*> names) const;
    // A string field under one of several names ("instruction" or "prompt"); absent or null
    // gives nullopt, reported when required; a non-string value is always reported.
    [[nodiscard]] std::optional<std::string> text(std::initializer_list<const char*> names,
                                                  bool required);
    // The JSON value under one of several names, or nullptr when absent (reported when required).
    [[nodiscard]] const nlohmann::json* value(std::initializer_list<const char*> names,
                                              bool required);
    // Reports a problem with a field (or with the row when field is empty).
    void bad(const std::string& field, const std::string& message);

    [[nodiscard]] const RowLocation& at() const { return m_at; }
    [[nodiscard]] bool ok() const { return !m_reported; }

private:
    const nlohmann::json& m_record;
    RowLocation m_at;
    ImportSink& m_sink;
    bool m_reported = false;
};

// "a, b or c" for messages that list alternative field names.
[[nodiscard]] std::string joinAlternatives(std::initializer_list<const char*> names);

// Detection helpers on a first record: every / any of the names is a key of the object.
[[nodiscard]] bool hasAllKeys(const nlohmann::json& record,
                              std::initializer_list<const char*> names);
[[nodiscard]] bool hasAnyKey(const nlohmann::json& record,
                             std::initializer_list<const char*> names);

}  // namespace ladder::data
