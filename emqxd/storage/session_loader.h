#pragma once
// Reads the persistent sessions back at start: each session's record, then
// the messages publishers journaled for it (queued, or in flight for QoS 2
// with the packet id the client may have seen), merged into one queue in
// publish order. Removes expired sessions and journal entries no session owns.
#include <cstdint>
#include <string>
#include <vector>

#include "emqxd/storage/durable_store.h"
#include "emqxd/storage/record_codec.h"

namespace emqx::storage {

struct LoadedSessions {
    std::vector<StoredSession> sessions;
    size_t expired = 0;    // sessions removed because they expired while the broker was down
    size_t journaled = 0;  // messages read from the journal
    uint64_t max_session_id = 0;
};

// False with `error` (naming the record) when a record does not decode: damage.
bool loadSessions(DurableStore& store, int64_t now_ms, LoadedSessions& out, std::string& error);

}  // namespace emqx::storage
