// pythonStrftime: datetime.strftime for the naive local time strftime_now() gives, in the C
// locale (English names) whatever locale the program runs in, with glibc's "-" (no padding) flag.
#include <cstdio>

#include "core/chat/builtins.h"

namespace ladder::chat {
namespace {

constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};
constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};

std::string number(int value, int width, char pad, bool noPadding) {
    char buf[32];
    if (noPadding || width == 0) {
        std::snprintf(buf, sizeof buf, "%d", value);
    } else if (pad == '0') {
        std::snprintf(buf, sizeof buf, "%0*d", width, value);
    } else {
        std::snprintf(buf, sizeof buf, "%*d", width, value);
    }
    return buf;
}

// Week of the year with weeks starting on `firstDay` (0 Sunday, 1 Monday), as %U and %W count.
int weekNumber(const std::tm& time, int firstDay) {
    const int weekday = (time.tm_wday + 7 - firstDay) % 7;
    return (time.tm_yday + 7 - weekday) / 7;
}

}  // namespace

std::string pythonStrftime(const std::string& format, const std::tm& time, int microseconds) {
    std::string out;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 >= format.size()) {
            out += format[i];
            continue;
        }
        char directive = format[++i];
        bool noPadding = false;
        if (directive == '-' && i + 1 < format.size()) {
            noPadding = true;
            directive = format[++i];
        }
        const int hour12 = time.tm_hour % 12 == 0 ? 12 : time.tm_hour % 12;
        switch (directive) {
            case 'a':
                out += std::string(kDays[time.tm_wday]).substr(0, 3);
                break;
            case 'A':
                out += kDays[time.tm_wday];
                break;
            case 'b':
            case 'h':
                out += std::string(kMonths[time.tm_mon]).substr(0, 3);
                break;
            case 'B':
                out += kMonths[time.tm_mon];
                break;
            case 'c':
                out += pythonStrftime("%a %b %e %H:%M:%S %Y", time, microseconds);
                break;
            case 'd':
                out += number(time.tm_mday, 2, '0', noPadding);
                break;
            case 'e':
                out += number(time.tm_mday, 2, ' ', noPadding);
                break;
            case 'D':
            case 'x':
                out += pythonStrftime("%m/%d/%y", time, microseconds);
                break;
            case 'f':
                out += number(microseconds, 6, '0', false);
                break;
            case 'F':
                out += pythonStrftime("%Y-%m-%d", time, microseconds);
                break;
            case 'H':
                out += number(time.tm_hour, 2, '0', noPadding);
                break;
            case 'I':
                out += number(hour12, 2, '0', noPadding);
                break;
            case 'j':
                out += number(time.tm_yday + 1, 3, '0', noPadding);
                break;
            case 'k':
                out += number(time.tm_hour, 2, ' ', noPadding);
                break;
            case 'l':
                out += number(hour12, 2, ' ', noPadding);
                break;
            case 'm':
                out += number(time.tm_mon + 1, 2, '0', noPadding);
                break;
            case 'M':
                out += number(time.tm_min, 2, '0', noPadding);
                break;
            case 'n':
                out += '\n';
                break;
            case 'p':
                out += time.tm_hour < 12 ? "AM" : "PM";
                break;
            case 'R':
                out += pythonStrftime("%H:%M", time, microseconds);
                break;
            case 'S':
                out += number(time.tm_sec, 2, '0', noPadding);
                break;
            case 't':
                out += '\t';
                break;
            case 'T':
            case 'X':
                out += pythonStrftime("%H:%M:%S", time, microseconds);
                break;
            case 'u':
                out += number(time.tm_wday == 0 ? 7 : time.tm_wday, 0, '0', true);
                break;
            case 'U':
                out += number(weekNumber(time, 0), 2, '0', noPadding);
                break;
            case 'w':
                out += number(time.tm_wday, 0, '0', true);
                break;
            case 'W':
                out += number(weekNumber(time, 1), 2, '0', noPadding);
                break;
            case 'y':
                out += number(time.tm_year % 100, 2, '0', noPadding);
                break;
            case 'Y':
                out += number(time.tm_year + 1900, 0, '0', true);
                break;
            case 'z':
            case 'Z':
                break;  // datetime.now() is naive: Python prints nothing for these
            case '%':
                out += '%';
                break;
            default:
                failUnsupported(std::string("the strftime directive %") + directive);
        }
    }
    return out;
}

}  // namespace ladder::chat
