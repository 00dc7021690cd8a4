// Field access on tokenizer.json with messages naming the file and the field.
#include "core/tokenizer/json_fields.h"

#include <cstdint>

#include "core/common/error.h"

namespace ladder::tokenizer {

namespace {

// Keys are token texts too (model.vocab.<token>): a key of a megabyte must not become a message
// of a megabyte.
constexpr std::size_t kMaxKeyInMessage = 80;

std::string shortKey(const std::string& key) {
    if (key.size() <= kMaxKeyInMessage) return key;
    std::size_t cut = kMaxKeyInMessage;
    while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;
    return key.substr(0, cut) + "...";
}

}  // namespace

std::string fieldPath(const std::string& where, const std::string& key) {
    // The first field after the file name follows ": ", the rest are joined by dots.
    if (where.find(": ") == std::string::npos) return where + ": " + shortKey(key);
    return where + "." + shortKey(key);
}

std::string fieldPath(const std::string& where, std::size_t index) {
    return where + "[" + std::to_string(index) + "]";
}

const Json& requireField(const Json& j, const char* key, const std::string& where) {
    if (!j.is_object()) {
        throw Error(where + " should be a JSON object but is " + j.type_name());
    }
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        throw Error(fieldPath(where, key) + " is missing");
    }
    return *it;
}

std::string requireString(const Json& j, const char* key, const std::string& where) {
    const Json& v = requireField(j, key, where);
    if (!v.is_string()) {
        throw Error(fieldPath(where, key) + " should be a string but is " + v.type_name());
    }
    return v.get<std::string>();
}

bool boolOr(const Json& j, const char* key, bool fallback, const std::string& where) {
    if (!j.is_object()) return fallback;
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) {
        throw Error(fieldPath(where, key) + " should be true or false but is " +
                    it->type_name());
    }
    return it->get<bool>();
}

std::string stringOr(const Json& j, const char* key, const std::string& fallback,
                     const std::string& where) {
    if (!j.is_object()) return fallback;
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_string()) {
        throw Error(fieldPath(where, key) + " should be a string but is " + it->type_name());
    }
    return it->get<std::string>();
}

long long intOr(const Json& j, const char* key, long long fallback, const std::string& where) {
    if (!j.is_object()) return fallback;
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_number_integer()) {
        throw Error(fieldPath(where, key) + " should be an integer but is " + it->type_name());
    }
    return it->get<long long>();
}

std::size_t countOr(const Json& j, const char* key, std::size_t fallback,
                    const std::string& where) {
    if (!j.is_object()) return fallback;
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (it->is_number_unsigned()) {
        const auto value = it->get<std::uint64_t>();
        return value > SIZE_MAX ? SIZE_MAX : static_cast<std::size_t>(value);
    }
    if (it->is_number_integer()) {
        throw Error(fieldPath(where, key) + " should be 0 or more but is " +
                    std::to_string(it->get<long long>()));
    }
    throw Error(fieldPath(where, key) + " should be a whole number (0 or more) but is " +
                it->type_name());
}

void forEachItem(const Json& j, const char* key, const std::string& where,
                 FunctionRef<void(const Json&, const std::string&)> each) {
    const Json& list = requireField(j, key, where);
    const std::string listWhere = fieldPath(where, key);
    if (!list.is_array()) {
        throw Error(listWhere + " should be a list but is " + list.type_name());
    }
    for (std::size_t i = 0; i < list.size(); ++i) each(list[i], fieldPath(listWhere, i));
}

std::string typeOf(const Json& j, const std::string& where) {
    return requireString(j, "type", where);
}

void requireRoomForStep(std::size_t steps, const std::string& where) {
    if (steps < kMaxSteps) return;
    throw Error(where + ": more than " + std::to_string(kMaxSteps) +
                " steps in one component (real tokenizers have a few): the file is damaged or was "
                "made to crash programs");
}

}  // namespace ladder::tokenizer
