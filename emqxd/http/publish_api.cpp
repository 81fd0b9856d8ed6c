// publish and publish/bulk (EMQX 5.8's emqx_mgmt_api_publish): messages made
// here go through the same dispatch as a client's (BrokerShard::
// publishFromOutside), so retain, metrics, the journal and traces apply; the
// answer waits for the dispatch to say whether anyone matched and for the
// durable commit of what it stored.
#include <memory>

#include "common/clock/wall_clock.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/control_loop_inbox.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/json_body.h"
#include "emqxd/http/publish_body.h"
#include "emqxd/message/message_id.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/storage/durable_store.h"

namespace emqx::http {

namespace {

using ctl::Json;

// What EMQX records as the publisher of a message from the HTTP API.
constexpr std::string_view kPublisher = "http_api";

// EMQX's status for one message: 200 matched someone, 202 nobody, 503 not
// dispatched (or not stored).
struct Outcome {
    int status;
    Json body;
};

Outcome matchedNobody() { return {202, Json{{"reason_code", 16}, {"message", "no_matching_subscribers"}}}; }

Outcome notDispatched() { return {503, Json{{"reason_code", 131}, {"message", "failed_to_dispatch"}}}; }

// The durable store refused to keep it (a full disk): what a client's PUBACK
// says then (0x97 quota exceeded), as a temporary failure.
Outcome notStored() { return {503, Json{{"reason_code", 151}, {"message", "quota_exceeded"}}}; }

// Whether one dispatched message was stored, handed to `answer` once what the
// publish queued in the durable store (a retained message, journals of
// offline durable sessions) is committed, as a client's PUBACK waits: a 200
// is never lost to a crash. Runs on worker 0; `answer` runs on the thread
// that completes it (worker 0 or the store's writer).
void whenStored(const std::shared_ptr<storage::DurableStore>& store, const PublishResult& result,
                std::function<void(bool stored)> answer) {
    if (result.durable.refused) return answer(false);
    if (!store || result.durable.last_seq == 0 || !store->ackWaitsForCommit()) return answer(true);
    DurableWrites writes = result.durable;
    store->whenCommitted(writes.last_seq, [store, writes, answer] {
        answer(!store->anyFailed(writes.first_seq, writes.last_seq));  // a commit fails on a full disk
    });
}

// A message id as EMQX shows its GUIDs, time first, so ids sort by publish
// time; the sequence keeps two in one millisecond apart. Control loop only.
std::string nextMessageId() {
    static uint64_t sequence = 0;
    return messageIdHex(static_cast<uint64_t>(wallClockMs()) * 1000, ++sequence);
}

MessagePtr makeMessage(const BrokerContext& broker, PublishRequest& r) {
    auto m = Message::make(r.topic, r.payload, kPublisher);
    m->qos = r.qos;
    m->retain = r.retain;
    m->received_at_ms = wallClockMs();
    if (storage::DurableStore* d = broker.durable.get()) m->durable_id = d->idForNewMessage(r.qos);
    if (!(r.props == mqtt::Properties{})) m->props = std::make_unique<mqtt::Properties>(std::move(r.props));
    return m;
}

// Publishes each message in order (one worker dispatches them all, so their
// order holds) and calls `done` on the control loop with their outcomes.
void publishAll(const ApiContext& cx, std::vector<PublishRequest> requests,
                std::function<void(std::vector<Outcome>&)> done) {
    struct State {
        std::vector<Outcome> outcomes;
        size_t remaining;
        std::function<void(std::vector<Outcome>&)> done;
    };
    auto st = std::make_shared<State>(State{{}, requests.size(), std::move(done)});
    st->outcomes.resize(requests.size(), notDispatched());
    ControlLoopInbox* back = &cx.ctl.control_loop;
    for (size_t i = 0; i < requests.size(); ++i) {
        Outcome ok{200, Json{{"id", nextMessageId()}}};
        auto finish = [st, i](Outcome o) {
            st->outcomes[i] = std::move(o);
            if (--st->remaining == 0) st->done(st->outcomes);
        };
        bool posted = !cx.broker.stopping &&
                      BrokerShard::publishFromOutside(
                          cx.broker, makeMessage(cx.broker, requests[i]),
                          [back, finish, ok = std::move(ok), store = cx.broker.durable](const PublishResult& result) {
                              bool matched = result.targets > 0;
                              whenStored(store, result, [back, finish, ok, matched](bool stored) {
                                  back->post([finish, ok, matched, stored] {  // on the control loop
                                      finish(!stored ? notStored() : matched ? ok : matchedNobody());
                                  });
                              });
                          });
        if (!posted) finish(notDispatched());
    }
}

std::optional<std::vector<PublishRequest>> parseAll(const ApiContext& cx, const Json& bodies, const Reply& reply) {
    const auto& mqtt = cx.broker.cfg.mqtt;
    PublishLimits limits{mqtt.max_topic_levels, mqtt.max_packet_size};
    std::vector<PublishRequest> requests;
    for (const Json& body : bodies) {
        Json refusal;
        auto r = parsePublishBody(body, limits, refusal);
        if (!r) {
            reply(jsonResponse(refusal, 400));
            return std::nullopt;
        }
        requests.push_back(std::move(*r));
    }
    return requests;
}

void publishOne(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto requests = parseAll(cx, Json::array({std::move(*body)}), call.reply);
    if (!requests) return;
    publishAll(cx, std::move(*requests), [reply = call.reply](std::vector<Outcome>& outcomes) {
        reply(jsonResponse(outcomes[0].body, outcomes[0].status));
    });
}

// As EMQX: 200 when every message matched someone, 503 when one was not
// dispatched, 202 otherwise; the body lists each message's answer in order.
void publishBulk(const ApiContext& cx, ApiCall call) {
    auto bodies = jsonArrayBody(call);
    if (!bodies) return;
    if (bodies->empty()) return call.reply(errorResponse(400, "BAD_REQUEST", "empty_batch: no message to publish"));
    auto requests = parseAll(cx, *bodies, call.reply);
    if (!requests) return;
    publishAll(cx, std::move(*requests), [reply = call.reply](std::vector<Outcome>& outcomes) {
        int status = 200;
        Json list = Json::array();
        for (Outcome& o : outcomes) {
            if (o.status == 503) status = 503;
            else if (o.status != 200 && status == 200) status = o.status;
            list.push_back(std::move(o.body));
        }
        reply(jsonResponse(list, status));
    });
}

}  // namespace

void addPublishRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"POST",
                           "/api/v5/publish",
                           "Publish",
                           "Publish a message (200: it matched a subscriber, 202: it matched none)",
                           true,
                           {},
                           {200, 202, 400, 415, 503},
                           publishOne});
    routes.push_back(Route{"POST",
                           "/api/v5/publish/bulk",
                           "Publish",
                           "Publish a list of messages, in order; the answer lists each one's result",
                           true,
                           {},
                           {200, 202, 400, 415, 503},
                           publishBulk});
}

}  // namespace emqx::http
