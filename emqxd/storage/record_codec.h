#pragma once
// The bytes of what durable storage keeps: one retained message, one
// persistent session (its client id, expiry, subscriptions with options and
// identifiers, inflight window, mqueue and QoS 2 awaiting-rel ids). Every
// record starts with a format version byte; a record that does not decode is
// corruption (the caller reports it, never guesses).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emqxd/message/message.h"
#include "emqxd/session/session.h"

namespace emqx::storage {

// A session as read back from the store, before it lives on a worker again.
struct StoredSession {
    uint64_t id = 0;  // the session id its journaled messages are keyed by (0: a record from before journals)
    std::string client_id;
    std::string username;
    uint32_t expiry_interval_s = 0;
    int64_t created_at_ms = 0;
    int64_t disconnected_at_ms = 0;
    std::vector<Subscription> subscriptions;  // in filter order
    std::vector<InflightEntry> inflight;      // in send order
    std::vector<QueuedMessage> mqueue;        // in queue order
    std::vector<uint16_t> awaiting_rel;
};

std::string encodeMessage(const Message& m);
// Null when `data` is not a message record.
MessagePtr decodeMessage(std::string_view data);

// A message journaled for one session: its QoS and subscription options for
// that session, then the message.
std::string encodeJournaled(const Message& m, uint8_t qos, const SubscriptionOptions& options);
bool decodeJournaled(std::string_view data, QueuedMessage& out);

// Stored: journaled messages (journalIdOf != 0) are left out, the journal
// holds them. HandOver: everything, journal ids included, for a session that
// moves to another owner while its journal stays where it is.
enum class SessionRecordScope { Stored, HandOver };
std::string encodeSession(const Session& s, SessionRecordScope scope = SessionRecordScope::Stored);
bool decodeSession(std::string_view data, StoredSession& out);

}  // namespace emqx::storage
