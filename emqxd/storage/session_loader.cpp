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
    for (StoredSession& st : out.sessions)
        if (st.id != 0) by_id.emplace(st.id, &st);
    std::unordered_map<uint64_t, std::vector<QueuedMessage>> journaled;
    std::unordered_set<uint64_t> orphans;
    uint64_t max_durable_id = 0;
    QueuedMessage* last = nullptr;  // the message a following in-flight state belongs to
    uint64_t last_id = 0;
    ok = store.forEachJournaled(
        [&](uint64_t session_id, uint64_t durable_id, bool state, std::string_view value) {
            max_durable_id = std::max(max_durable_id, durable_id);
            auto it = by_id.find(session_id);
            if (it == by_id.end()) {
                orphans.insert(session_id);
                last = nullptr;
                return true;
            }
            if (!state) {
                QueuedMessage q;
                if (!decodeJournaled(value, q) || q.msg->durable_id != durable_id) {
                    error = store.dir() + ": a journaled message of client id \"" + it->second->client_id +
                            "\" cannot be decoded";
                    return false;
                }
                auto& list = journaled[session_id];
                list.push_back(std::move(q));
                last = &list.back();
                last_id = durable_id;
                ++out.journaled;
                return true;
            }
            uint16_t packet_id;
            bool pubrec;
            if (!DurableStore::parseInflightState(value, packet_id, pubrec)) {
                error = store.dir() + ": the in-flight state of a message of client id \"" + it->second->client_id +
                        "\" cannot be decoded";
                return false;
            }
            if (!last || last_id != durable_id) return true;  // its message already finished
            StoredSession& st = *it->second;
            InflightEntry e{packet_id, pubrec ? nullptr : last->msg, last->qos, last->options, pubrec, 0, durable_id};
            st.inflight.push_back(std::move(e));
            journaled[session_id].pop_back();
            last = nullptr;
            return true;
        },
        error);
    if (!ok) return false;

    for (StoredSession& st : out.sessions) {
        for (const QueuedMessage& q : st.mqueue) max_durable_id = std::max(max_durable_id, q.msg->durable_id);
        auto it = journaled.find(st.id);
        if (it == journaled.end()) continue;
        // The record's queue holds what was not journaled (QoS 0, retained
        // deliveries); every message carries its publish order.
        for (QueuedMessage& q : it->second) st.mqueue.push_back(std::move(q));
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
