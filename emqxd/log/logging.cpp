#include "emqxd/log/logging.h"

#include <spdlog/async.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <filesystem>

#include "emqxd/log/log.h"

namespace emqx {

namespace {

spdlog::level::level_enum levelOf(const std::string& name) {
    if (name == "debug") return spdlog::level::debug;
    if (name == "info" || name == "notice") return spdlog::level::info;
    if (name == "warning") return spdlog::level::warn;
    if (name == "error") return spdlog::level::err;
    return spdlog::level::critical;  // critical, alert, emergency
}

// Log lines queued for the log thread before a thread that logs waits for it
// (no line is dropped). spdlog builds every slot up front (an async_msg of
// about 400 B with its inline format buffer): 8,192 slots were 3.3 MB of an
// idle broker's 19.7 MB RSS. 1,024 lines is a burst the log thread writes
// in a few milliseconds; traces to files have their own queue
// (trace_registry.cpp).
constexpr size_t kLogQueueSlots = 1024;

}  // namespace

void setupLogging(const config::LogConfig& cfg, const std::string& data_dir, bool console) {
    spdlog::init_thread_pool(kLogQueueSlots, 1);
    std::vector<spdlog::sink_ptr> sinks;
    auto lowest = spdlog::level::off;
    if (console && cfg.console_enable) {
        auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
        sink->set_level(levelOf(cfg.console_level));
        lowest = std::min(lowest, levelOf(cfg.console_level));
        sinks.push_back(sink);
    }
    if (cfg.file_enable) {
        std::filesystem::path path = cfg.file_path;
        if (path.is_relative()) path = std::filesystem::path(data_dir) / path;
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        try {
            auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path.string(), cfg.file_rotation_size,
                                                                               cfg.file_rotation_count);
            sink->set_level(levelOf(cfg.file_level));
            lowest = std::min(lowest, levelOf(cfg.file_level));
            sinks.push_back(sink);
        } catch (const spdlog::spdlog_ex& e) {
            std::fprintf(stderr, "WARNING: cannot open log file %s: %s\n", path.c_str(), e.what());
        }
    }
    auto logger = std::make_shared<spdlog::async_logger>("emqx", sinks.begin(), sinks.end(), spdlog::thread_pool(),
                                                         spdlog::async_overflow_policy::block);
    logger->set_level(lowest);
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%f%z [%l] %v");
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
    spdlog::flush_every(std::chrono::seconds(1));
}

void shutdownLogging() { spdlog::shutdown(); }

}  // namespace emqx
