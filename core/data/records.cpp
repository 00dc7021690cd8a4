#include "core/data/records.h"

#include "core/common/error.h"

namespace ladder::data {

const char* toString(DatasetKind kind) {
    switch (kind) {
        case DatasetKind::Responses:
            return "responses";
        case DatasetKind::Pairs:
            return "pairs";
        case DatasetKind::Verdicts:
            return "verdicts";
    }
    return "responses";
}

DatasetKind datasetKindFromString(const std::string& s) {
    for (DatasetKind k : {DatasetKind::Responses, DatasetKind::Pairs, DatasetKind::Verdicts}) {
        if (s == toString(k)) return k;
    }
    throw Error("unknown dataset kind '" + s + "' (expected responses, pairs or verdicts)");
}

const char* toString(BadRowPolicy policy) {
    return policy == BadRowPolicy::Skip ? "skip" : "abort";
}

BadRowPolicy badRowPolicyFromString(const std::string& s) {
    if (s == "abort") return BadRowPolicy::Abort;
    if (s == "skip") return BadRowPolicy::Skip;
    throw Error("unknown bad-row policy '" + s +
                "': use abort (stop at the first bad row) or "
                "skip (leave bad rows out and report them)");
}

std::string describeBadRow(const BadRow& bad) {
    std::string where = "line " + std::to_string(bad.at.line) + " (row " + std::to_string(bad.at.row) + ")";
    if (!bad.field.empty()) where += ", field `" + bad.field + "`";
    return where + ": " + bad.message;
}

}  // namespace ladder::data
