#include "emqxd/storage/rocksdb_options.h"

#include <rocksdb/cache.h>
#include <rocksdb/table.h>

#include <memory>

#include "emqxd/storage/rocksdb_logger.h"

namespace emqx::storage {

namespace {

// Figures and why: docs/storage.md "Memory". RocksDB's defaults (64 MB
// memtables, two per column family, a 32 MB block cache per column family)
// let a busy broker's RSS grow by ~70-90 MB; these bound it at a few tens.
constexpr size_t kWriteBufferBytes = 8 << 20;       // one memtable of a column family
constexpr int kWriteBuffersPerCf = 2;               // the active one and one being flushed
constexpr size_t kAllWriteBuffersBytes = 32 << 20;  // every memtable of every column family
constexpr size_t kBlockCacheBytes = 4 << 20;        // shared by the column families

std::shared_ptr<rocksdb::Cache> sharedBlockCache() {
    static std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(kBlockCacheBytes);
    return cache;
}

}  // namespace

rocksdb::DBOptions durableDbOptions() {
    rocksdb::DBOptions opts;
    opts.paranoid_checks = true;
    opts.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
    opts.info_log = makeRocksDbLogger();  // no LOG file in the data dir (see rocksdb_logger.h)
    opts.max_manifest_file_size = 64 << 20;
    opts.db_write_buffer_size = kAllWriteBuffersBytes;
    opts.max_background_jobs = 2;       // one flush, one compaction: the machine's cores serve clients
    opts.stats_dump_period_sec = 0;     // no periodic statistics in LOG ...
    opts.stats_persist_period_sec = 0;  // ... nor kept in memory
    return opts;
}

rocksdb::ColumnFamilyOptions durableCfOptions() {
    rocksdb::ColumnFamilyOptions cf;
    cf.write_buffer_size = kWriteBufferBytes;
    cf.max_write_buffer_number = kWriteBuffersPerCf;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = sharedBlockCache();
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    return cf;
}

}  // namespace emqx::storage
