#pragma once
// A page of a session's mqueue or inflight window, as EMQX 5.8's
// GET clients/:clientid/mqueue_messages and inflight_messages answer it
// (`emqxctl clients mqueue|inflight` answer the same): the messages after
// the caller's `position`, at most `limit` of them and, past the first, at
// most `max_payload_bytes` of payload in all; `start` names the first entry
// there is, `position` the last one on the page, the cursor of the next.
// Positions are the entries' places in the session's order of arrival
// (Session::firstQueuedSeq, InflightEntry::seq); an mqueue position reads
// "<place>_<priority>" as EMQX writes it (one priority here: 0).
// Built on the session's worker.
#include <cstdint>
#include <optional>
#include <string>

#include "common/ctl/protocol.h"

namespace emqx {

class Session;

namespace ctl {

enum class SessionMessages { Mqueue, Inflight };
enum class PayloadFormat { Base64, Plain, None };

struct MessagePageRequest {
    std::optional<uint64_t> after;  // the position given; none: from the first entry
    uint64_t limit = 100;
    PayloadFormat payload = PayloadFormat::Base64;
    uint64_t max_payload_bytes = 1024 * 1024;
};

// The command's arguments (position, limit, payload, max_payload_bytes);
// nullopt with why for a bad one.
std::optional<MessagePageRequest> parseMessagePageArgs(SessionMessages which, const Json& args, std::string& error);

// {"messages": [...], "start": ..., "position": ...}; nullopt when a payload
// on the page cannot be shown as `plain` JSON text (it is no UTF-8).
std::optional<Json> sessionMessagePage(const Session& s, SessionMessages which, const MessagePageRequest& req);

}  // namespace ctl
}  // namespace emqx
