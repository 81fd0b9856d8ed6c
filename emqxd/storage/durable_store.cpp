#include "emqxd/storage/durable_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

#include "emqxd/log/log.h"
#include "emqxd/storage/ban_record.h"
#include "emqxd/storage/rocksdb_logger.h"
#include "emqxd/storage/rocksdb_options.h"

namespace emqx::storage {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRetainedCf = "retained";
constexpr const char* kSessionsCf = "sessions";
constexpr const char* kJournalCf = "session_messages";
constexpr const char* kBannedCf = "banned";
constexpr const char* kUsersCf = "users";

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

// Journal keys: session id and durable id, 8 bytes each big-endian; a QoS 2
// message's in-flight state has the same key plus one byte, so it sorts
// right after its message.
constexpr size_t kJournalKeySize = 16;
constexpr char kStateSuffix = 'q';

void putBigEndian(char* out, uint64_t v) {
    for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xFF);
}

uint64_t getBigEndian(const char* in) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
    return v;
}

struct JournalKey {
    char bytes[kJournalKeySize + 1];
    JournalKey(uint64_t session_id, uint64_t durable_id) {
        putBigEndian(bytes, session_id);
        putBigEndian(bytes + 8, durable_id);
        bytes[kJournalKeySize] = kStateSuffix;
    }
    rocksdb::Slice message() const { return rocksdb::Slice(bytes, kJournalKeySize); }
    rocksdb::Slice state() const { return rocksdb::Slice(bytes, kJournalKeySize + 1); }
};

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

    rocksdb::DBOptions opts = durableDbOptions();
    opts.create_if_missing = !exists || fs::is_empty(dir, ec);
    opts.create_missing_column_families = true;

    std::vector<std::string> names{
        rocksdb::kDefaultColumnFamilyName, kRetainedCf, kSessionsCf, kJournalCf, kBannedCf, kUsersCf};
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
    const rocksdb::ColumnFamilyOptions cf_opts = durableCfOptions();
    for (const auto& n : names) cfs.emplace_back(n, cf_opts);
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    rocksdb::Status st = rocksdb::DB::Open(opts, dir, cfs, &handles, &db);
    if (!st.ok()) {
        error = dir + ": " + st.ToString();
        std::string text = st.ToString();
        if (st.IsIOError() && (text.find("lock") != std::string::npos || text.find("LOCK") != std::string::npos))
            failure = OpenFailure::Locked;
        else failure = OpenFailure::Damaged;
        return nullptr;
    }
    std::unique_ptr<DurableStore> store(new DurableStore(dir, mode));
    store->db_ = db;
    store->default_cf_ = handles[0];
    store->retained_cf_ = handles[1];
    store->sessions_cf_ = handles[2];
    store->journal_cf_ = handles[3];
    store->banned_cf_ = handles[4];
    store->users_cf_ = handles[5];
    for (size_t i = 6; i < handles.size(); ++i) db->DestroyColumnFamilyHandle(handles[i]);
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

bool DurableStore::forEachBan(const std::function<bool(std::string_view, std::string_view)>& visit,
                              std::string& error) {
    return scan(banned_cf_, visit, error);
}

bool DurableStore::forEachUser(const std::function<bool(std::string_view, std::string_view)>& visit,
                               std::string& error) {
    return scan(users_cf_, visit, error);
}

bool DurableStore::forEachJournaled(const std::function<bool(uint64_t, uint64_t, bool, std::string_view)>& visit,
                                    std::string& error) {
    return scan(
        journal_cf_,
        [&](std::string_view key, std::string_view value) {
            bool state = key.size() == kJournalKeySize + 1 && key.back() == kStateSuffix;
            if (key.size() != kJournalKeySize && !state) {
                error = dir_ + ": a session message key of " + std::to_string(key.size()) + " bytes";
                return false;
            }
            return visit(getBigEndian(key.data()), getBigEndian(key.data() + 8), state, value);
        },
        error);
}

template <class F>
uint64_t DurableStore::enqueue(F&& add) {
    if (!accepting_.load(std::memory_order_relaxed)) {
        return 0;
    }
    uint64_t seq;
    bool wake;
    {
        std::lock_guard lock(mutex_);
        wake = pending_->Count() == 0;
        add(*pending_);
        seq = ++queued_seq_;
    }
    if (wake) wake_.notify_one();
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
    return enqueue(
        [&](rocksdb::WriteBatch& b) { b.DeleteRange(retained_cf_, rocksdb::Slice(""), rocksdb::Slice("\xff", 1)); });
}

uint64_t DurableStore::putSession(std::string_view client_id, std::string_view value) {
    return enqueue([&](rocksdb::WriteBatch& b) { b.Put(sessions_cf_, slice(client_id), slice(value)); });
}

uint64_t DurableStore::deleteSession(std::string_view client_id) {
    return enqueue([&](rocksdb::WriteBatch& b) { b.Delete(sessions_cf_, slice(client_id)); });
}

uint64_t DurableStore::putJournaled(uint64_t session_id, uint64_t durable_id, std::string_view value) {
    JournalKey key(session_id, durable_id);
    return enqueue([&](rocksdb::WriteBatch& b) { b.Put(journal_cf_, key.message(), slice(value)); });
}

uint64_t DurableStore::deleteJournal(uint64_t session_id) {
    JournalKey from(session_id, 0);
    JournalKey to(session_id + 1, 0);
    return enqueue([&](rocksdb::WriteBatch& b) { b.DeleteRange(journal_cf_, from.message(), to.message()); });
}

uint64_t DurableStore::deleteBan(std::string_view key) {
    return enqueue([&](rocksdb::WriteBatch& b) { b.Delete(banned_cf_, slice(key)); });
}

uint64_t DurableStore::putUser(std::string_view user_id, std::string_view value) {
    return enqueue([&](rocksdb::WriteBatch& b) { b.Put(users_cf_, slice(user_id), slice(value)); });
}

uint64_t DurableStore::deleteUser(std::string_view user_id) {
    return enqueue([&](rocksdb::WriteBatch& b) { b.Delete(users_cf_, slice(user_id)); });
}

uint64_t DurableStore::banSaved(const auth::BanEntry& e) {
    std::string key = banKey(e.as, e.who), value = encodeBan(e);
    return enqueue([&](rocksdb::WriteBatch& b) { b.Put(banned_cf_, slice(key), slice(value)); });
}

uint64_t DurableStore::banDeleted(const std::string& as, const std::string& who) { return deleteBan(banKey(as, who)); }

void DurableStore::inflightQos2(uint64_t session_id, uint64_t durable_id, uint16_t packet_id, bool pubrec_received) {
    JournalKey key(session_id, durable_id);
    char value[3] = {static_cast<char>(packet_id >> 8), static_cast<char>(packet_id & 0xFF),
                     static_cast<char>(pubrec_received ? 1 : 0)};
    enqueue([&](rocksdb::WriteBatch& b) { b.Put(journal_cf_, key.state(), rocksdb::Slice(value, sizeof value)); });
}

bool DurableStore::parseInflightState(std::string_view value, uint16_t& packet_id, bool& pubrec_received) {
    if (value.size() != 3 || static_cast<uint8_t>(value[2]) > 1) return false;
    packet_id = static_cast<uint16_t>((static_cast<uint8_t>(value[0]) << 8) | static_cast<uint8_t>(value[1]));
    pubrec_received = value[2] == 1;
    return packet_id != 0;
}

void DurableStore::finished(uint64_t session_id, uint64_t durable_id) {
    JournalKey key(session_id, durable_id);
    enqueue([&](rocksdb::WriteBatch& b) {
        b.Delete(journal_cf_, key.message());
        b.Delete(journal_cf_, key.state());
    });
}

bool DurableStore::anyFailed(uint64_t from, uint64_t to) const {
    if (failed_commits_.load(std::memory_order_acquire) == 0) return false;
    std::lock_guard lock(failed_mutex_);
    for (const auto& [first, last] : failed_ranges_)
        if (first <= to && from <= last) return true;
    return false;
}

bool DurableStore::probe() {
    // After a write error RocksDB stops accepting writes until resumed.
    rocksdb::Status st = db_->Resume();
    if (st.ok()) {
        rocksdb::WriteOptions wo;
        wo.sync = true;
        st = db_->Put(wo, default_cf_, "probe", "1");
    }
    return st.ok();
}

void DurableStore::whenCommitted(uint64_t seq, std::function<void()> fn) {
    {
        std::lock_guard lock(mutex_);
        // The writer stores committed_ before it takes mutex_ to run waiters:
        // either we see the commit here, or it sees our waiter there.
        if (committed_.load() < seq) {
            commit_waiters_.emplace_back(seq, std::move(fn));
            return;
        }
    }
    fn();
}

void DurableStore::runCommitWaiters(std::unique_lock<std::mutex>& lock, uint64_t seq) {
    std::vector<std::function<void()>> ready;
    std::erase_if(commit_waiters_, [&](auto& w) {
        if (w.first > seq) return false;
        ready.push_back(std::move(w.second));
        return true;
    });
    if (ready.empty()) return;
    lock.unlock();
    for (auto& fn : ready) fn();
    lock.lock();
}

void DurableStore::writerLoop() {
    rocksdb::WriteOptions wo;
    wo.sync = mode_ != FsyncMode::Never;
    std::unique_lock lock(mutex_);
    uint64_t last_seq = 0;  // the last sequence number of the previous commit
    for (;;) {
        // Writes queued before the failure are still tried (and fail, telling
        // their waiters); then probe until the disk takes writes again.
        while (!accepting_.load() && pending_->Count() == 0 && !stop_) {
            lock.unlock();
            bool ok = probe();
            lock.lock();
            if (ok) {
                accepting_.store(true);
                log::warn("durable store {}: writes succeed again; accepting durable writes", dir_);
                break;
            }
            wake_.wait_for(lock, std::chrono::milliseconds(kProbeIntervalMs), [&] { return stop_; });
        }
        wake_.wait(lock, [&] { return stop_ || (pending_->Count() > 0 && !held_); });
        if (pending_->Count() == 0 || held_) break;  // stopping with nothing (to be) committed
        if (mode_ != FsyncMode::Always && !stop_) {
            // Group commit: let the writes of the next few milliseconds join this one.
            wake_.wait_for(lock, std::chrono::milliseconds(kBatchWindowMs), [&] { return stop_; });
        }
        auto batch = std::make_unique<rocksdb::WriteBatch>();
        batch.swap(pending_);
        uint64_t seq = queued_seq_;
        lock.unlock();
        // After a failed write RocksDB must be resumed before it is written
        // again (its log writer keeps the error): writes queued before the
        // failure fail with it unless the disk has room again.
        rocksdb::Status st = accepting_.load() ? rocksdb::Status::OK() : db_->Resume();
        if (st.ok()) st = db_->Write(wo, batch.get());
        if (!st.ok()) {
            {
                std::lock_guard failed(failed_mutex_);
                failed_ranges_.emplace_back(last_seq + 1, seq);
            }
            failed_commits_.fetch_add(1, std::memory_order_release);
            accepting_.store(false);
            log::error(
                "durable store {}: commit of {} writes failed: {}; refusing durable writes (QoS 1/2 publishers "
                "to persistent sessions and retained topics are not acknowledged as stored) until a write "
                "succeeds again",
                dir_, batch->Count(), st.ToString());
        }
        last_seq = seq;
        committed_.store(seq);  // seq_cst: paired with AckGate::waiting_commit_ (see AckGate::defer)
        if (on_commit_) on_commit_(seq);
        lock.lock();
        if (!commit_waiters_.empty()) runCommitWaiters(lock, seq);
    }
}

void DurableStore::holdWrites() {
    std::lock_guard lock(mutex_);
    held_ = true;
}

void DurableStore::releaseWrites() {
    {
        std::lock_guard lock(mutex_);
        held_ = false;
    }
    wake_.notify_one();
}

void DurableStore::discardWrites() {
    std::lock_guard lock(mutex_);
    pending_->Clear();
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
        for (auto* h : {default_cf_, retained_cf_, sessions_cf_, journal_cf_, banned_cf_, users_cf_})
            if (h) db_->DestroyColumnFamilyHandle(h);
        db_->Close();
        delete db_;
        db_ = nullptr;
    }
}

}  // namespace emqx::storage
