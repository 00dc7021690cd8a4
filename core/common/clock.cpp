#include "core/common/clock.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace ladder::clock {

std::string nowIso() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms));
    return buf;
}

double nowSeconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

double parseIso(const std::string& text) {
    std::tm tm{};
    int fractionStart = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &fractionStart) != 6 ||
        fractionStart == 0) {
        return -1;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    double seconds = static_cast<double>(timegm(&tm));
    const char* rest = text.c_str() + fractionStart;
    if (*rest == '.') {
        double scale = 0.1;
        for (++rest; *rest >= '0' && *rest <= '9'; ++rest, scale /= 10) seconds += (*rest - '0') * scale;
    }
    if (*rest == 'Z') ++rest;
    return *rest == '\0' ? seconds : -1;
}

std::string formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "--";
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%ldh %02ldm", s / 3600, (s % 3600) / 60);
    } else if (s >= 60) {
        std::snprintf(buf, sizeof buf, "%ldm %02lds", s / 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%lds", s);
    }
    return buf;
}

}  // namespace ladder::clock
