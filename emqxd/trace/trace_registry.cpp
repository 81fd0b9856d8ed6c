#include "emqxd/trace/trace_registry.h"

#include <spdlog/async.h>
#include <spdlog/async_logger.h>
#include <spdlog/sinks/basic_file_sink.h>

#include <chrono>
#include <filesystem>

#include "common/clock/wall_clock.h"
#include "common/net/peer_address.h"
#include "common/topic/topic.h"

namespace emqx::trace {

Trace::Trace(TraceSpec spec, std::shared_ptr<spdlog::logger> logger, uint64_t max_bytes)
    : spec_(std::move(spec)), logger_(std::move(logger)), max_bytes_(max_bytes) {}

Trace::~Trace() = default;  // stop() flushed; the pool may already be gone here

bool Trace::matches(std::string_view clientid, std::string_view peer, std::string_view topic) const {
    switch (spec_.type) {
        case TraceType::ClientId: return !clientid.empty() && clientid == spec_.target;
        case TraceType::IpAddress: return !peer.empty() && net::peerHost(peer) == spec_.target;
        case TraceType::Topic:
            if (topic.empty()) return false;
            return topic == spec_.target || topic::matches(spec_.target, topic);
    }
    return false;
}

void Trace::write(Level level, const std::string& line) {
    if (stopped_.load(std::memory_order_relaxed) || full_.load(std::memory_order_relaxed)) return;
    if (level < spec_.level) return;
    if (spec_.end_ms && wallClockMs() >= spec_.end_ms) return;
    matched_.fetch_add(1, std::memory_order_relaxed);
    uint64_t before = bytes_.fetch_add(line.size(), std::memory_order_relaxed);
    if (max_bytes_ && before + line.size() > max_bytes_) {
        if (!full_.exchange(true)) {
            std::string note = "trace " + spec_.name + " stopped: trace.max_file_size (" + std::to_string(max_bytes_) +
                               " bytes) reached";
            std::string last = formatNote(wallClockMs(), spec_.format, Level::Warning, note);
            last.pop_back();  // the sink adds the LF
            logger_->info("{}", last);
        }
        return;
    }
    std::string_view text(line);
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    logger_->info("{}", text);
}

void Trace::stop() {
    stopped_.store(true, std::memory_order_relaxed);
    flush();
}

void Trace::flush() {
    if (logger_) logger_->flush();
}

TraceRegistry::TraceRegistry(uint64_t max_file_size)
    : max_file_size_(max_file_size), current_(std::make_shared<TraceSet>()) {}

TraceRegistry::~TraceRegistry() {
    active_.set(false);
    for (auto& t : traces_) t->stop();
}

bool TraceRegistry::start(TraceSpec spec, std::string& error) {
    for (auto& t : traces_) {
        if (t->spec().name == spec.name) {
            error = "trace " + spec.name + " already exists";
            return false;
        }
        if (!t->stopped() && t->spec().type == spec.type && t->spec().target == spec.target &&
            t->spec().named == spec.named) {
            error = std::string("a trace of ") + std::string(typeName(spec.type)) + " " + spec.target +
                    " is already running (" + t->spec().name + ")";
            return false;
        }
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::path(spec.path).is_absolute()) {
        error = "trace file must be an absolute path: " + spec.path;
        return false;
    }
    if (fs::is_directory(spec.path, ec)) {
        error = "cannot write trace file " + spec.path + ": is a directory";
        return false;
    }
    fs::path parent = fs::path(spec.path).parent_path();
    if (!fs::is_directory(parent, ec)) {
        error = "cannot write trace file " + spec.path + ": directory " + parent.string() + " does not exist";
        return false;
    }
    if (!pool_) pool_ = std::make_shared<spdlog::details::thread_pool>(8192, 1);
    std::shared_ptr<spdlog::logger> logger;
    try {
        auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(spec.path, true);
        sink->set_pattern("%v");
        logger = std::make_shared<spdlog::async_logger>("trace:" + spec.name, std::move(sink), pool_,
                                                        spdlog::async_overflow_policy::overrun_oldest);
        logger->set_level(spdlog::level::trace);
        logger->flush_on(spdlog::level::trace);
    } catch (const std::exception& e) {
        error = "cannot write trace file " + spec.path + ": " + e.what();
        return false;
    }
    if (spec.start_ms == 0) spec.start_ms = wallClockMs();
    traces_.push_back(std::make_shared<Trace>(std::move(spec), std::move(logger), max_file_size_));
    publish();
    return true;
}

std::shared_ptr<Trace> TraceRegistry::find(std::string_view name) const {
    for (auto& t : traces_)
        if (t->spec().name == name) return t;
    return nullptr;
}

bool TraceRegistry::stop(std::string_view name) {
    for (auto it = traces_.begin(); it != traces_.end(); ++it) {
        if ((*it)->spec().name != name) continue;
        (*it)->stop();
        if (!(*it)->spec().named) traces_.erase(it);
        publish();
        return true;
    }
    return false;
}

bool TraceRegistry::remove(std::string_view name, std::string& error) {
    for (auto it = traces_.begin(); it != traces_.end(); ++it) {
        if ((*it)->spec().name != name) continue;
        (*it)->stop();
        std::error_code ec;
        std::filesystem::remove((*it)->spec().path, ec);
        if (ec) error = ec.message();
        traces_.erase(it);
        publish();
        return true;
    }
    error = "trace " + std::string(name) + " not found";
    return false;
}

size_t TraceRegistry::expire(int64_t now_ms) {
    size_t n = 0;
    for (auto& t : traces_) {
        if (!t->stopped() && t->spec().end_ms && now_ms >= t->spec().end_ms) {
            t->stop();
            ++n;
        }
    }
    if (n) publish();
    return n;
}

void TraceRegistry::publish() {
    auto set = std::make_shared<TraceSet>();
    for (auto& t : traces_)
        if (!t->stopped()) set->traces.push_back(t);
    bool any = !set->traces.empty();
    {
        std::lock_guard lock(mutex_);
        current_ = std::move(set);
        generation_.fetch_add(1, std::memory_order_release);
    }
    active_.set(any);
}

std::shared_ptr<const TraceSet> TraceRegistry::snapshot() const {
    struct Cache {
        const TraceRegistry* owner = nullptr;
        uint64_t generation = 0;
        std::shared_ptr<const TraceSet> set;
    };
    thread_local Cache cache;
    uint64_t g = generation_.load(std::memory_order_acquire);
    if (cache.owner != this || cache.generation != g) {
        std::lock_guard lock(mutex_);
        cache.owner = this;
        cache.generation = generation_.load(std::memory_order_relaxed);
        cache.set = current_;
    }
    return cache.set;
}

bool TraceRegistry::wants(Level level, std::string_view clientid, std::string_view peer, std::string_view topic) const {
    auto set = snapshot();
    for (const auto& t : set->traces)
        if (t->takes(level) && t->matches(clientid, peer, topic)) return true;
    return false;
}

void TraceRegistry::emit(const Event& e) const {
    auto set = snapshot();
    // Built once per format, and only when a trace of that format matches.
    std::string text_line, json_line;
    int64_t now = 0;
    for (const auto& t : set->traces) {
        if (!t->matches(e.clientid, e.peer, e.topic)) continue;
        if (now == 0) now = wallClockMs();
        std::string& line = t->spec().format == Format::Json ? json_line : text_line;
        if (line.empty()) line = formatEvent(now, t->spec().format, e);
        t->write(e.level, line);
    }
}

}  // namespace emqx::trace
