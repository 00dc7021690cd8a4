// fromJson and pythonJsonDumps (see json_values.h): Python's json module, byte for byte.
#include "core/chat/json_values.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/chat/python_text.h"

namespace ladder::chat {
namespace {

Value fromJsonAt(const OrderedJson& json, int depth) {
    if (depth > kMaxValueNesting) {
        fail(TemplateErrorKind::Limit,
             "the JSON nests deeper than " + std::to_string(kMaxValueNesting) + " levels");
    }
    switch (json.type()) {
        case OrderedJson::value_t::null:
            return Value::none();
        case OrderedJson::value_t::boolean:
            return Value(json.get<bool>());
        case OrderedJson::value_t::number_integer:
            return Value(json.get<std::int64_t>());
        case OrderedJson::value_t::number_unsigned: {
            const auto u = json.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(INT64_MAX)) return Value(static_cast<double>(u));
            return Value(static_cast<std::int64_t>(u));
        }
        case OrderedJson::value_t::number_float:
            return Value(json.get<double>());
        case OrderedJson::value_t::string:
            return Value(json.get<std::string>());
        case OrderedJson::value_t::array: {
            std::vector<Value> items;
            items.reserve(json.size());
            for (const auto& item : json) items.push_back(fromJsonAt(item, depth + 1));
            return Value::list(std::move(items));
        }
        case OrderedJson::value_t::object: {
            DictBuilder dict;
            for (const auto& [key, item] : json.items()) {
                dict.set(Value(key), fromJsonAt(item, depth + 1));
            }
            return std::move(dict).build();
        }
        default:
            return Value::none();
    }
}

class JsonWriter {
public:
    JsonWriter(const JsonDumpOptions& options, std::size_t maxBytes)
        : m_options(options), m_max(maxBytes) {
        m_itemSeparator = options.itemSeparator.value_or(options.indent ? "," : ", ");
        m_keySeparator = options.keySeparator.value_or(": ");
    }

    void write(const Value& value, int level) {
        switch (value.kind()) {
            case Value::Kind::None:
                add("null");
                return;
            case Value::Kind::Bool:
                add(value.boolValue() ? "true" : "false");
                return;
            case Value::Kind::Int:
                add(std::to_string(value.intValue()));
                return;
            case Value::Kind::Float:
                add(floatText(value.floatValue()));
                return;
            case Value::Kind::String:
                writeString(value.str());
                return;
            case Value::Kind::List:
                writeList(value.items(), level);
                return;
            case Value::Kind::Dict:
                writeDict(value.dict(), level);
                return;
            default:
                failRuntime("Object of type " + typeName(value) + " is not JSON serializable");
        }
    }

    std::string take() { return std::move(m_out); }

private:
    void add(std::string_view text) {
        if (m_out.size() + text.size() > m_max) {
            fail(TemplateErrorKind::Limit,
                 "tojson's text grew past " + std::to_string(m_max) + " bytes");
        }
        m_out += text;
    }

    static std::string floatText(double value) {
        if (std::isnan(value)) return "NaN";
        if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
        return py::floatRepr(value);
    }

    void newline(int level) {
        if (!m_options.indent) return;
        std::string text = "\n";
        for (int i = 0; i < level; ++i) text += *m_options.indent;
        add(text);
    }

    void writeString(std::string_view text) {
        std::string out = "\"";
        for (char32_t c : py::toCodePoints(text)) {
            switch (c) {
                case U'"':
                    out += "\\\"";
                    break;
                case U'\\':
                    out += "\\\\";
                    break;
                case U'\n':
                    out += "\\n";
                    break;
                case U'\r':
                    out += "\\r";
                    break;
                case U'\t':
                    out += "\\t";
                    break;
                case U'\b':
                    out += "\\b";
                    break;
                case U'\f':
                    out += "\\f";
                    break;
                default:
                    if (c < 0x20 || (m_options.ensureAscii && c > 0x7E)) {
                        appendUnicodeEscape(out, c);
                    } else {
                        py::appendUtf8(out, c);
                    }
            }
        }
        out += '"';
        add(out);
    }

    static void appendUnicodeEscape(std::string& out, char32_t c) {
        char buf[16];
        if (c >= 0x10000) {
            const char32_t v = c - 0x10000;
            std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x",
                          static_cast<unsigned>(0xD800 | (v >> 10)),
                          static_cast<unsigned>(0xDC00 | (v & 0x3FF)));
        } else {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        }
        out += buf;
    }

    // "[", the items (each on its own line with an indent), "]"; "[]" when there are none.
    template <typename WriteItem>
    void writeContainer(const char* open, const char* close, std::size_t count, int level,
                        WriteItem writeItem) {
        if (count == 0) {
            add(open);
            add(close);
            return;
        }
        add(open);
        newline(level + 1);
        for (std::size_t i = 0; i < count; ++i) {
            if (i > 0) {
                add(m_itemSeparator);
                newline(level + 1);
            }
            writeItem(i);
        }
        newline(level);
        add(close);
    }

    void writeList(const std::vector<Value>& items, int level) {
        writeContainer("[", "]", items.size(), level,
                       [&](std::size_t i) { write(items[i], level + 1); });
    }

    // json.dumps turns non-string keys into strings the way it writes them as values.
    static std::string keyText(const Value& key) {
        switch (key.kind()) {
            case Value::Kind::String:
                return key.str();
            case Value::Kind::None:
                return "null";
            case Value::Kind::Bool:
                return key.boolValue() ? "true" : "false";
            case Value::Kind::Int:
                return std::to_string(key.intValue());
            case Value::Kind::Float:
                return floatText(key.floatValue());
            default:
                failRuntime("keys must be str, int, float, bool or None, not " + typeName(key));
        }
    }

    void writeDict(const DictData& dict, int level) {
        std::vector<const std::pair<Value, Value>*> entries;
        for (const auto& entry : dict.entries) entries.push_back(&entry);
        if (m_options.sortKeys) {
            std::stable_sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) {
                return lessThan(a->first, b->first);
            });
        }
        writeContainer("{", "}", entries.size(), level, [&](std::size_t i) {
            writeString(keyText(entries[i]->first));
            add(m_keySeparator);
            write(entries[i]->second, level + 1);
        });
    }

    const JsonDumpOptions& m_options;
    std::size_t m_max;
    std::string m_itemSeparator;
    std::string m_keySeparator;
    std::string m_out;
};

}  // namespace

Value fromJson(const OrderedJson& json) {
    return fromJsonAt(json, 0);
}

std::string pythonJsonDumps(const Value& value, const JsonDumpOptions& options,
                            std::size_t maxBytes) {
    JsonWriter writer(options, maxBytes);
    writer.write(value, 0);
    return writer.take();
}

}  // namespace ladder::chat
