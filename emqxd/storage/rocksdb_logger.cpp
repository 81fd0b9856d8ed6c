#include "emqxd/storage/rocksdb_logger.h"

#include <cstdarg>
#include <cstdio>

#include "emqxd/log/log.h"

namespace emqx::storage {

namespace {

class BrokerLogLogger final : public rocksdb::Logger {
public:
    BrokerLogLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}

    void Logv(const char* format, va_list ap) override { Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap); }

    void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
        if (level < GetInfoLogLevel()) return;
        char line[1024];
        std::vsnprintf(line, sizeof line, format, ap);
        if (level >= rocksdb::InfoLogLevel::ERROR_LEVEL) log::error("rocksdb: {}", line);
        else log::warn("rocksdb: {}", line);
    }
};

}  // namespace

std::shared_ptr<rocksdb::Logger> makeRocksDbLogger() { return std::make_shared<BrokerLogLogger>(); }

}  // namespace emqx::storage
