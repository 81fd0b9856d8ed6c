#pragma once
// The broker logs through spdlog's default logger (set up by setupLogging).
#include <spdlog/spdlog.h>

namespace emqx {
namespace log = ::spdlog;
}
