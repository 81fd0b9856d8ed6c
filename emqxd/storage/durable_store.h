#pragma once
// The node's durable store: one RocksDB instance under
// <node.data_dir>/<node.name>/rocksdb with a column family for retained
// messages (key: topic), one for persistent sessions (key: client id), one
// for the messages journaled for them (key: session id, durable id; both
// big-endian so a session's messages are adjacent and in publish order), one
// for banned clients (key: as '\0' who; ban_record.h) and one for the
// built-in database's users (key: user id; user_record.h).
//
// Writes from any thread are appended to one pending batch; a writer thread
// commits it (group commit) and then tells whoever waits for that commit
// (`onCommit`). What a commit promises depends on durable.fsync:
//   always  every commit is fsynced; a commit starts as soon as there is work
//   batch   commits are fsynced, at most every kBatchWindow (the group commit)
//   never   commits go to the OS without fsync: they survive the broker's
//           crash once written, not the machine's
//
// A commit that fails (a full disk) is reported to the listener as failed, and
// the store then refuses new writes (a refused write returns sequence number
// 0, so its caller can tell its client) until a probe commit succeeds again;
// the writer thread probes every kProbeIntervalMs.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <utility>
#include <vector>

#include "emqxd/auth/banned.h"
#include "emqxd/session/session_journal.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace emqx::storage {

enum class FsyncMode { Always, Batch, Never };
FsyncMode fsyncModeFromName(std::string_view name);

class DurableStore final : public SessionJournal, public auth::BanSink {
public:
    static constexpr int kBatchWindowMs = 4;
    static constexpr int kProbeIntervalMs = 500;

    enum class OpenFailure { None, Damaged, Locked, Other };

    // Opens (creating when absent) the store in `dir`. On failure returns null,
    // `error` says why and `failure` whether it is damage (corruption, missing
    // or unreadable files: quarantinable) or a lock held by another process.
    static std::unique_ptr<DurableStore> open(const std::string& dir, FsyncMode mode, std::string& error,
                                              OpenFailure& failure);
    ~DurableStore();

    // --- at start, before any write: every record, in key order. A visit that
    // returns false stops with `error` set by the caller; iteration errors
    // (a checksum mismatch) are returned as damage.
    bool forEachRetained(const std::function<bool(std::string_view topic, std::string_view value)>& visit,
                         std::string& error);
    bool forEachSession(const std::function<bool(std::string_view client_id, std::string_view value)>& visit,
                        std::string& error);
    bool forEachBan(const std::function<bool(std::string_view key, std::string_view value)>& visit, std::string& error);
    bool forEachUser(const std::function<bool(std::string_view user_id, std::string_view value)>& visit,
                     std::string& error);
    // Journal entries in key order: a message (`state` false) and, right after
    // it, the in-flight state of a QoS 2 one (`state` true), if any.
    bool forEachJournaled(
        const std::function<bool(uint64_t session_id, uint64_t durable_id, bool state, std::string_view value)>& visit,
        std::string& error);
    // The value of a `state` journal entry: the packet id a QoS 2 message was
    // sent under and whether its PUBREC came; false when malformed.
    static bool parseInflightState(std::string_view value, uint16_t& packet_id, bool& pubrec_received);
    // Ids for Message::durable_id; set at start above every id in the journal.
    uint64_t nextMessageId() { return next_message_id_.fetch_add(1, std::memory_order_relaxed); }
    // The durable_id of a new message of `qos`. QoS 0 takes none: a session
    // journals only what it gets at QoS 1 or 2, and the counter is one cache
    // line every worker shares (taking from it for each QoS 0 message was 16%
    // of the broker's CPU at fan-in QoS 0).
    uint64_t idForNewMessage(uint8_t qos) { return qos > 0 ? nextMessageId() : 0; }
    void startMessageIdsAt(uint64_t id) { next_message_id_.store(std::max<uint64_t>(id, 1)); }

    // --- any thread: queued for the next commit. Each returns the commit
    // sequence number that covers it, 0 when the store refuses writes.
    uint64_t putRetained(std::string_view topic, std::string_view value);
    uint64_t deleteRetained(std::string_view topic);
    uint64_t clearRetained();
    uint64_t putSession(std::string_view client_id, std::string_view value);
    uint64_t deleteSession(std::string_view client_id);
    // A message routed to a durable subscription, before its publisher's ack.
    uint64_t putJournaled(uint64_t session_id, uint64_t durable_id, std::string_view value);
    // Every journal entry of a session (its end).
    uint64_t deleteJournal(uint64_t session_id);

    uint64_t deleteBan(std::string_view key);
    uint64_t putUser(std::string_view user_id, std::string_view value);
    uint64_t deleteUser(std::string_view user_id);

    // auth::BanSink (any thread: emqxctl banned, flapping detection, expiry).
    uint64_t banSaved(const auth::BanEntry& e) override;
    uint64_t banDeleted(const std::string& as, const std::string& who) override;

    // SessionJournal (any session's worker).
    void inflightQos2(uint64_t session_id, uint64_t durable_id, uint16_t packet_id, bool pubrec_received) override;
    void finished(uint64_t session_id, uint64_t durable_id) override;

    // Whether any write with a sequence number in [from, to] was in a failed commit.
    bool anyFailed(uint64_t from, uint64_t to) const;
    uint64_t committedSeq() const { return committed_.load(); }
    FsyncMode mode() const { return mode_; }
    // Whether an acknowledgement must wait for the commit of what it depends on.
    bool ackWaitsForCommit() const { return mode_ != FsyncMode::Never; }

    // Runs `fn` once the commit covering `seq` is done: at once on this thread
    // when it already is, otherwise on the writer thread right after it. For
    // the rare caller that must answer only then (emqxctl banned, users).
    void whenCommitted(uint64_t seq, std::function<void()> fn);

    // Called on the writer thread after each commit with the committed sequence
    // number. Set once, before the first write.
    void setCommitListener(std::function<void(uint64_t)> f) { on_commit_ = std::move(f); }

    // At start: writes queue but are not committed until releaseWrites(), or
    // are dropped by discardWrites() (a load that finds damage changes nothing).
    void holdWrites();
    void releaseWrites();
    void discardWrites();

    // Commits everything queued, stops the writer thread and closes the database.
    void close();

    const std::string& dir() const { return dir_; }

private:
    DurableStore(std::string dir, FsyncMode mode);
    template <class F>
    uint64_t enqueue(F&& add);
    void writerLoop();
    bool probe();  // writer thread, while not accepting: true when a small commit succeeds
    // Writer thread, with `lock` on mutex_: runs (unlocked) the waiters `seq` covers.
    void runCommitWaiters(std::unique_lock<std::mutex>& lock, uint64_t seq);
    bool scan(rocksdb::ColumnFamilyHandle* cf, const std::function<bool(std::string_view, std::string_view)>& visit,
              std::string& error);

    std::string dir_;
    FsyncMode mode_;
    rocksdb::DB* db_ = nullptr;
    rocksdb::ColumnFamilyHandle* default_cf_ = nullptr;
    rocksdb::ColumnFamilyHandle* retained_cf_ = nullptr;
    rocksdb::ColumnFamilyHandle* sessions_cf_ = nullptr;
    rocksdb::ColumnFamilyHandle* journal_cf_ = nullptr;
    rocksdb::ColumnFamilyHandle* banned_cf_ = nullptr;
    rocksdb::ColumnFamilyHandle* users_cf_ = nullptr;
    std::atomic<uint64_t> next_message_id_{1};

    std::mutex mutex_;
    std::condition_variable wake_;
    std::unique_ptr<rocksdb::WriteBatch> pending_;
    uint64_t queued_seq_ = 0;  // under mutex_
    std::atomic<uint64_t> committed_{0};
    std::atomic<uint64_t> failed_commits_{0};
    std::atomic<bool> accepting_{true};
    mutable std::mutex failed_mutex_;
    std::vector<std::pair<uint64_t, uint64_t>> failed_ranges_;  // [first, last] seq of each failed commit
    bool stop_ = false;
    bool held_ = false;
    bool closed_ = false;
    std::vector<std::pair<uint64_t, std::function<void()>>> commit_waiters_;  // under mutex_
    std::function<void(uint64_t)> on_commit_;
    std::thread writer_;
};

}  // namespace emqx::storage
