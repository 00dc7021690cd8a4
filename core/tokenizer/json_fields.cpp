// Field access on tokenizer.json with messages naming the file and the field.
#include "core/tokenizer/json_fields.h"

#include "core/common/error.h"

namespace ladder::tokenizer {

std::string fieldPath(const std::string& where, const std::string& key) {
    // The first field after the file name follows ": ", the rest are joined by dots.
    if (where.find(": ") == std::string::npos) return where + ": " + key;
    return where + "." + key;
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

}  // namespace ladder::tokenizer
