#pragma once
// Tracing (`emqxctl trace ...` / `emqxctl traces ...`): the set of active
// traces, each writing one line per matching event to its own file through an
// spdlog async logger (so a worker never waits on disk I/O; under a flood the
// oldest queued lines are overwritten rather than blocking).
//
// Threads: the registry (start/stop/list/tick) is used on the control loop
// only. Workers read an immutable snapshot (TraceSet) through snapshot(),
// which costs one atomic load of a generation counter when nothing changed.
// The registry's switch (activity()) is on while a trace runs: tracing's hook
// subscribers run behind it (trace_hooks.h), so with no trace running the
// per-message cost is the idle hook points' one branch.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/trace/trace_format.h"
#include "emqxd/hooks/hook_bus.h"

namespace spdlog {
class logger;
namespace details {
class thread_pool;
}
}  // namespace spdlog

namespace emqx::trace {

struct TraceSpec {
    std::string name;    // "CLI-<target>" for `trace start`, the user's name for `traces start`
    bool named = false;  // started with `traces start` (has an end time, listed until deleted)
    TraceType type = TraceType::ClientId;
    std::string target;  // client id, topic filter or IP address
    Level level = Level::Debug;
    Format format = Format::Text;
    std::string path;  // absolute
    int64_t start_ms = 0;
    int64_t end_ms = 0;  // 0: no end
};

class Trace {
public:
    Trace(TraceSpec spec, std::shared_ptr<spdlog::logger> logger, uint64_t max_bytes);
    ~Trace();
    const TraceSpec& spec() const { return spec_; }

    // Any thread. `topics` are the topic names / filters the event is about.
    bool matches(std::string_view clientid, std::string_view peer, std::string_view topic) const;
    // Writes one line (with its LF, in the trace's format) if the trace is
    // running and under its size limit.
    void write(Level level, const std::string& line);

    uint64_t matched() const { return matched_.load(std::memory_order_relaxed); }
    uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
    bool full() const { return full_.load(std::memory_order_relaxed); }
    bool stopped() const { return stopped_.load(std::memory_order_relaxed); }
    bool takes(Level level) const { return level >= spec_.level && !stopped() && !full(); }
    // Control loop: no more lines; flushes what is queued.
    void stop();
    void flush();

private:
    TraceSpec spec_;
    std::shared_ptr<spdlog::logger> logger_;
    uint64_t max_bytes_;
    std::atomic<uint64_t> matched_{0};
    std::atomic<uint64_t> bytes_{0};
    std::atomic<bool> full_{false};
    std::atomic<bool> stopped_{false};
};

struct TraceSet {
    std::vector<std::shared_ptr<Trace>> traces;  // the running ones
};

class TraceRegistry {
public:
    explicit TraceRegistry(uint64_t max_file_size);
    ~TraceRegistry();
    TraceRegistry(const TraceRegistry&) = delete;
    TraceRegistry& operator=(const TraceRegistry&) = delete;

    // --- control loop ---
    // Opens the file (refusing an unwritable path, a name in use, a second
    // trace of the same kind and target); false with a message on failure.
    bool start(TraceSpec spec, std::string& error);
    // Stops a trace: a CLI trace is removed, a named one stays listed as stopped.
    bool stop(std::string_view name);
    // Removes a named trace and its file.
    bool remove(std::string_view name, std::string& error);
    // Stops the named traces whose end time has passed; returns how many.
    size_t expire(int64_t now_ms);
    // Every trace, running or stopped.
    std::vector<std::shared_ptr<Trace>> all() const { return traces_; }
    std::shared_ptr<Trace> find(std::string_view name) const;
    uint64_t maxFileSize() const { return max_file_size_; }
    // On while a trace runs; turned here, on the control loop.
    hooks::Switch& activity() { return active_; }

    // --- any thread ---
    // The running traces; cached per thread, refreshed when the set changes.
    std::shared_ptr<const TraceSet> snapshot() const;
    // Whether a running trace takes an event of this level and subject; the
    // hooks ask before they build a line.
    bool wants(Level level, std::string_view clientid, std::string_view peer, std::string_view topic) const;
    // Writes the event to every running trace it matches, in each trace's format.
    void emit(const Event& e) const;

private:
    void publish();

    hooks::Switch active_;
    uint64_t max_file_size_;
    std::shared_ptr<spdlog::details::thread_pool> pool_;
    std::vector<std::shared_ptr<Trace>> traces_;  // control loop
    mutable std::mutex mutex_;                    // guards current_
    std::shared_ptr<const TraceSet> current_;
    std::atomic<uint64_t> generation_{1};
};

}  // namespace emqx::trace
