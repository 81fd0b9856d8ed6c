#pragma once
// RocksDB's info log goes to the broker's log (warnings and errors only)
// instead of a LOG file in the data dir: one log for the operator, and no
// write to the data dir that can fail on a full disk (RocksDB 7.8 aborts on
// a second write to a log file whose first write failed).
#include <rocksdb/env.h>

#include <memory>

namespace emqx::storage {

std::shared_ptr<rocksdb::Logger> makeRocksDbLogger();

}  // namespace emqx::storage
