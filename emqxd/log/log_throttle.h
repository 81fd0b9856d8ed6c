#pragma once
// Keeps one kind of warning from flooding the log (EMQX's log throttling):
// within a time window (log.throttling.time_window) the first `burst` lines
// are written and the rest only counted; when the window ends, the count goes
// out as one summary line. Pure: the caller passes its clock and writes the lines.
// Owner: one thread.
#include <cstdint>

namespace emqx {

class LogThrottle {
public:
    static constexpr int64_t kNoWindow = -1;

    LogThrottle(int64_t window_ms, uint32_t burst) : window_ms_(window_ms), burst_(burst) {}

    // True: write the line now; false: it is counted for the summary. A line
    // while no window is open opens one, ending window_ms later.
    bool admit(int64_t now_ms) {
        if (window_end_ms_ == kNoWindow) {
            window_end_ms_ = now_ms + window_ms_;
            written_ = 0;
        }
        if (written_ < burst_) {
            ++written_;
            return true;
        }
        ++suppressed_;
        return false;
    }

    // When the open window ends; kNoWindow when none is open.
    int64_t windowEnd() const { return window_end_ms_; }
    int64_t windowMs() const { return window_ms_; }

    // Closes the window: returns how many lines it held back.
    uint64_t closeWindow() {
        uint64_t held_back = suppressed_;
        suppressed_ = 0;
        window_end_ms_ = kNoWindow;
        return held_back;
    }

private:
    int64_t window_ms_;
    uint32_t burst_;
    int64_t window_end_ms_ = kNoWindow;
    uint32_t written_ = 0;
    uint64_t suppressed_ = 0;
};

}  // namespace emqx
