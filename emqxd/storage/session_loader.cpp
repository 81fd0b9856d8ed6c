#include "emqxd/storage/session_loader.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace emqx::storage {

namespace {

bool expired(const StoredSession& st, int64_t now_ms) {
    return st.expiry_interval_s != Session::kNeverExpire &&
           now_ms >= st.disconnected_at_ms + static_cast<int64_t>(st.expiry_interval_s) * 1000;
}

bool byDurableId(const QueuedMessage& a, const QueuedMessage& b) { return a.msg->durable_id < b.msg->durable_id; }

}  // namespace

bool loadSessions(DurableStore& store, int64_t now_ms, LoadedSessions& out, std::string& error) {
    std::vector<std::pair<std::string, uint64_t>> gone;  // client id, session id
    bool ok = store.forEachSession(
        [&](std::string_view client_id, std::string_view value) {
            StoredSession st;
            if (!decodeSession(value, st) || st.client_id != client_id) {
                error = store.dir() + ": the session record of client id \"" + std::string(client_id) +
                        "\" cannot be decoded";
                return false;
            }
            // 0: it was connected when the broker stopped (crashed): its expiry counts from now.
            if (st.disconnected_at_ms == 0) st.disconnected_at_ms = now_ms;
            out.max_session_id = std::max(out.max_session_id, st.id);
            if (expired(st, now_ms)) {
                gone.emplace_back(client_id, st.id);
                return true;
            }
            out.sessions.push_back(std::move(st));
            return true;
        },
        error);
    if (!ok) return false;

    std::unordered_map<uint64_t, StoredSession*> by_id;
    by_id.reserve(out.sessions.size());
    uint64_t max_durable_id = 0;
    for (StoredSession& st : out.sessions) {
        if (st.id != 0) by_id.emplace(st.id, &st);
        for (const QueuedMessage& q : st.mqueue) max_durable_id = std::max(max_durable_id, q.msg->durable_id);
    }
    // How many messages each session's record queued itself: when there are
    // any, the journal's (appended after them) must be sorted in.
    std::unordered_map<uint64_t, size_t> record_queued;
    std::unordered_set<uint64_t> orphans;
    // The journal is sorted by session id, then message id: its messages go
    // straight to the end of their session's queue, already in publish order.
    StoredSession* cur = nullptr;  // the session of the entries being read, null: orphans
    uint64_t cur_id = 0;
    bool have_cur = false;
    bool last_is_message = false;  // cur->mqueue.back() is the message a following in-flight state belongs to
    uint64_t last_id = 0;
    ok = store.forEachJournaled(
        [&](uint64_t session_id, uint64_t durable_id, bool state, std::string_view value) {
            max_durable_id = std::max(max_durable_id, durable_id);
            if (!have_cur || session_id != cur_id) {
                have_cur = true;
                cur_id = session_id;
                auto it = by_id.find(session_id);
                cur = it == by_id.end() ? nullptr : it->second;
                if (!cur) orphans.insert(session_id);
                else if (!cur->mqueue.empty()) record_queued.emplace(session_id, cur->mqueue.size());
                last_is_message = false;
            }
            if (!cur) return true;
            if (!state) {
                QueuedMessage q;
                if (!decodeJournaled(value, q) || q.msg->durable_id != durable_id) {
                    error =
                        store.dir() + ": a journaled message of client id \"" + cur->client_id + "\" cannot be decoded";
                    return false;
                }
                cur->mqueue.push_back(std::move(q));
                last_is_message = true;
                last_id = durable_id;
                ++out.journaled;
                return true;
            }
            uint16_t packet_id;
            bool pubrec;
            if (!DurableStore::parseInflightState(value, packet_id, pubrec)) {
                error = store.dir() + ": the in-flight state of a message of client id \"" + cur->client_id +
                        "\" cannot be decoded";
                return false;
            }
            if (!last_is_message || last_id != durable_id) return true;  // its message already finished
            QueuedMessage& last = cur->mqueue.back();
            InflightEntry e{.packet_id = packet_id,
                            .msg = pubrec ? nullptr : last.msg,
                            .qos = last.qos,
                            .options = last.options,
                            .pubrec_received = pubrec,
                            .journal_id = durable_id};
            cur->inflight.push_back(std::move(e));
            cur->mqueue.pop_back();
            last_is_message = false;
            return true;
        },
        error);
    if (!ok) return false;

    for (StoredSession& st : out.sessions) {
        auto rq = record_queued.find(st.id);
        if (rq == record_queued.end() || st.mqueue.size() == rq->second) continue;
        // The record's queue holds what was not journaled (QoS 0, retained
        // deliveries); every message carries its publish order.
        std::stable_sort(st.mqueue.begin(), st.mqueue.end(), byDurableId);
    }
    for (const auto& [client_id, id] : gone) {
        store.deleteSession(client_id);
        if (id != 0) store.deleteJournal(id);
    }
    for (uint64_t id : orphans) store.deleteJournal(id);
    out.expired = gone.size();
    store.startMessageIdsAt(max_durable_id + 1);
    return true;
}

}  // namespace emqx::storage
