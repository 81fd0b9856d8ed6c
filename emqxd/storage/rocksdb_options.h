#pragma once
// RocksDB options of the durable store: small, bounded memory (see
// docs/storage.md "Memory"). One function per option set, so that tests and
// tools open a store exactly as the broker does.
#include <rocksdb/options.h>

namespace emqx::storage {

rocksdb::DBOptions durableDbOptions();
rocksdb::ColumnFamilyOptions durableCfOptions();

}  // namespace emqx::storage
