#pragma once
// What a persistent session tells durable storage about the messages that
// publishers journaled for it (a message routed to a subscription marked
// `durable` is written by the publisher's worker before the publisher gets its
// acknowledgement): a QoS 2 message's packet id once sent and its PUBREC, so a
// restart neither loses nor repeats it, and each message's end (acknowledged,
// expired or dropped). Implemented by storage::DurableStore; called on the
// session's worker thread.
#include <cstdint>

namespace emqx {

class SessionJournal {
public:
    virtual ~SessionJournal() = default;
    virtual void inflightQos2(uint64_t session_id, uint64_t durable_id, uint16_t packet_id, bool pubrec_received) = 0;
    virtual void finished(uint64_t session_id, uint64_t durable_id) = 0;
};

}  // namespace emqx
