#include "emqxd/storage/durable_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

#include "emqxd/log/log.h"

namespace emqx::storage {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRetainedCf = "retained";
constexpr const char* kSessionsCf = "sessions";
thread_local uint64_t tls_last_seq = 0;

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace

FsyncMode fsyncModeFromName(std::string_view name) {
    if (name == "always") return FsyncMode::Always;
    if (name == "never") return FsyncMode::Never;
    return FsyncMode::Batch;
}

DurableStore::DurableStore(std::string dir, FsyncMode mode)
    : dir_(std::move(dir)), mode_(mode), pending_(std::make_unique<rocksdb::WriteBatch>()) {}

std::unique_ptr<DurableStore> DurableStore::open(const std::string& dir, FsyncMode mode, std::string& error,
                                                 OpenFailure& failure) {
    failure = OpenFailure::None;
    std::error_code ec;
    bool exists = fs::exists(dir, ec);
    if (ec) {
        error = dir + ": " + ec.message();
        failure = OpenFailure::Damaged;
        return nullptr;
    }
    if (exists) {
        if (!fs::is_directory(dir, ec)) {
            error = dir + " is not a directory";
            failure = OpenFailure::Damaged;
            return nullptr;
        }
        // A non-empty directory without CURRENT is not a database RocksDB can
        // open; creating one there could delete what is left: refuse.
        bool empty = fs::is_empty(dir, ec);
        if (ec) {
            error = dir + ": " + ec.message();
            failure = OpenFailure::Damaged;
            return nullptr;
        }
        if (!empty && !fs::exists(fs::path(dir) / "CURRENT", ec)) {
            error = dir + " holds files but no CURRENT file: it is not a complete RocksDB store";
            failure = OpenFailure::Damaged;
            return nullptr;
        }
    } else {
        fs::create_directories(dir, ec);
        if (ec) {
            error = dir + ": " + ec.message();
            failure = OpenFailure::Other;
            return nullptr;
        }
    }

    rocksdb::DBOptions opts;
    opts.create_if_missing = !exists || fs::is_empty(dir, ec);
    opts.create_missing_column_families = true;
    opts.paranoid_checks = true;
    opts.keep_log_file_num = 3;
    opts.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
    opts.max_manifest_file_size = 64 << 20;

    std::vector<std::string> names{rocksdb::kDefaultColumnFamilyName, kRetainedCf, kSessionsCf};
    if (exists && !opts.create_if_missing) {
        std::vector<std::string> existing;
        rocksdb::Status st = rocksdb::DB::ListColumnFamilies(opts, dir, &existing);
        if (!st.ok()) {
            error = dir + ": " + st.ToString();
            failure = st.IsIOError() && st.ToString().find("lock") != std::string::npos ? OpenFailure::Locked
                                                                                        : OpenFailure::Damaged;
            return nullptr;
        }
        for (const auto& n : existing)
            if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    rocksdb::Status st = rocksdb::DB::Open(opts, dir, cfs, &handles, &db);
    if (!st.ok()) {
        error = dir + ": " + st.ToString();
        std::string text = st.ToString();
        if (st.IsIOError() && (text.find("lock") != std::string::npos || text.find("LOCK") != std::string::npos))
            failure = OpenFailure::Locked;
        else
            failure = OpenFailure::Damaged;
        return nullptr;
    }
    std::unique_ptr<DurableStore> store(new DurableStore(dir, mode));
    store->db_ = db;
    store->default_cf_ = handles[0];
    store->retained_cf_ = handles[1];
    store->sessions_cf_ = handles[2];
    for (size_t i = 3; i < handles.size(); ++i) db->DestroyColumnFamilyHandle(handles[i]);
    store->writer_ = std::thread([s = store.get()] { s->writerLoop(); });
    return store;
}

DurableStore::~DurableStore() { close(); }

bool DurableStore::scan(rocksdb::ColumnFamilyHandle* cf,
                        const std::function<bool(std::string_view, std::string_view)>& visit, std::string& error) {
    rocksdb::ReadOptions ro;
    ro.verify_checksums = true;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        if (!visit(std::string_view(it->key().data(), it->key().size()),
                   std::string_view(it->value().data(), it->value().size())))
            return false;
    }
    if (!it->status().ok()) {
        error = dir_ + ": " + it->status().ToString();
        return false;
    }
    return true;
}

bool DurableStore::forEachRetained(const std::function<bool(std::string_view, std::string_view)>& visit,
                                   std::string& error) {
    return scan(retained_cf_, visit, error);
}

bool DurableStore::forEachSession(const std::function<bool(std::string_view, std::string_view)>& visit,
                                  std::string& error) {
    return scan(sessions_cf_, visit, error);
}

template <class F>
uint64_t DurableStore::enqueue(F&& add) {
    uint64_t seq;
    bool wake;
    {
        std::lock_guard lock(mutex_);
        wake = pending_->Count() == 0;
        add(*pending_);
        seq = ++queued_seq_;
    }
    if (wake) wake_.notify_one();
    tls_last_seq = seq;
    return seq;
}

uint64_t DurableStore::putRetained(std::string_view topic, std::string_view value) {
    return enqueue([&](rocksdb::WriteBatch& b) { b.Put(retained_cf_, slice(topic), slice(value)); });
}

uint64_t DurableStore::deleteRetained(std::string_view topic) {
    return enqueue([&](rocksdb::WriteBatch& b) { b.Delete(retained_cf_, slice(topic)); });
}

uint64_t DurableStore::clearRetained() {
    // Topics are UTF-8, which never holds the byte 0xFF: [ "", "\xff" ) is every topic.
    return enqueue([&](rocksdb::WriteBatch& b) { b.DeleteRange(retained_cf_, rocksdb::Slice(""), rocksdb::Slice("\xff", 1)); });
}

uint64_t DurableStore::putSession(std::string_view client_id, std::string_view value) {
    return enqueue([&](rocksdb::WriteBatch& b) { b.Put(sessions_cf_, slice(client_id), slice(value)); });
}

uint64_t DurableStore::deleteSession(std::string_view client_id) {
    return enqueue([&](rocksdb::WriteBatch& b) { b.Delete(sessions_cf_, slice(client_id)); });
}

uint64_t DurableStore::lastSeqOfThisThread() { return tls_last_seq; }

void DurableStore::writerLoop() {
    rocksdb::WriteOptions wo;
    wo.sync = mode_ != FsyncMode::Never;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stop_ || pending_->Count() > 0; });
        if (pending_->Count() == 0) break;  // stopping with nothing left
        if (mode_ != FsyncMode::Always && !stop_) {
            // Group commit: let the writes of the next few milliseconds join this one.
            wake_.wait_for(lock, std::chrono::milliseconds(kBatchWindowMs), [&] { return stop_; });
        }
        auto batch = std::make_unique<rocksdb::WriteBatch>();
        batch.swap(pending_);
        uint64_t seq = queued_seq_;
        lock.unlock();
        rocksdb::Status st = db_->Write(wo, batch.get());
        if (!st.ok()) {
            failed_commits_.fetch_add(1, std::memory_order_relaxed);
            log::error("durable store {}: commit of {} writes failed: {}", dir_, batch->Count(), st.ToString());
        }
        committed_.store(seq);  // seq_cst: paired with Worker::waiting_commit_ (see deferUntilCommitted)
        if (on_commit_) on_commit_(seq);
        lock.lock();
    }
}

void DurableStore::close() {
    {
        std::lock_guard lock(mutex_);
        if (closed_) return;
        stop_ = true;
    }
    wake_.notify_one();
    if (writer_.joinable()) writer_.join();
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    if (db_) {
        db_->FlushWAL(true);
        for (auto* h : {default_cf_, retained_cf_, sessions_cf_})
            if (h) db_->DestroyColumnFamilyHandle(h);
        db_->Close();
        delete db_;
        db_ = nullptr;
    }
}

}  // namespace emqx::storage
