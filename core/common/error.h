// The one exception type core throws: its message names the file, row or step and says what to do.
#pragma once

#include <stdexcept>
#include <string>

namespace ladder {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Joins a context ("reading runs.json") and a cause into one message: "reading runs.json: <cause>".
[[nodiscard]] std::string withContext(const std::string& context, const std::string& cause);

}  // namespace ladder
