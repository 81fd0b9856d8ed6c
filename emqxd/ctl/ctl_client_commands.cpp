// clients list / show / kick / keepalive / mqueue / inflight. A client's line
// is built on the worker that owns its session: list asks every worker, the
// others only the owner.
#include <algorithm>

#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/client_filter.h"
#include "emqxd/ctl/client_owner.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/for_each_worker.h"
#include "emqxd/ctl/session_message_page.h"
#include "emqxd/net/connection.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/worker/worker.h"

namespace emqx::ctl {

namespace {

constexpr uint64_t kDefaultClientLimit = 10000;

// One client's line, built on the worker that owns the session.
Json clientJson(Worker& w, Session& s) {
    Channel* ch = channelOf(s);
    const ConnectionPort* c = ch ? &ch->connection() : nullptr;
    bool connected = c && !c->closing();
    Json j = {
        {"clientid", s.clientId()},
        {"username", s.username.empty() ? Json(nullptr) : Json(s.username)},
        {"peername", c ? Json(c->peer()) : Json(nullptr)},
        {"proto_ver", ch ? Json(static_cast<int>(ch->protoVer())) : Json(nullptr)},
        {"clean_start", ch ? ch->cleanStart() : false},
        {"keepalive", ch ? ch->keepalive() : 0},
        {"session_expiry_interval", s.expiry_interval_s},
        {"subscriptions", s.subscriptions().size()},
        {"inflight", s.inflightCount()},
        {"awaiting_rel", s.awaitingRelCount()},
        {"delivered_msgs", s.deliveredCount()},
        {"enqueued_msgs", s.queueLength()},
        {"mqueue_len", s.queueLength()},
        {"mqueue_enqueued_total", s.enqueuedCount()},
        {"dropped_msgs", s.droppedCount()},
        {"mqueue_dropped", s.droppedCount(DropReason::QueueFull)},
        {"listener", c ? Json(c->listenerConfig().id()) : Json(nullptr)},
        {"connected", connected},
        {"created_at", s.created_at_ms},
        {"connected_at", c ? Json(c->connectedAtMs()) : Json(nullptr)},
        {"worker", w.index()},
    };
    if (!connected) j["disconnected_at"] = s.disconnected_at_ms;
    return j;
}

// The line, then what users ask first when messages go missing: what the
// session holds, and why it dropped what it dropped.
Answer showClient(Worker& w, Session& s) {
    Json j = clientJson(w, s);
    j["session_memory_bytes"] = s.memoryBytes();
    Json drops = Json::object();
    for (size_t i = 0; i < kDropReasonCount; ++i) {
        auto reason = static_cast<DropReason>(i);
        drops[std::string(dropReasonName(reason))] = s.droppedCount(reason);
    }
    j["dropped_by_reason"] = drops;
    return Answer::ok({{"client", j}});
}

Answer kickClient(Worker& w, Session& s) {
    Json answer = {{"clientid", s.clientId()}, {"result", "discarded"}};
    if (Channel* ch = channelOf(s); ch && !ch->connection().closing()) {
        ch->connection().close(ShutdownReason::Kicked);
        answer["result"] = "kicked";
    } else {
        w.shard().sessions().end(s);  // an offline session: kicking discards it
    }
    return Answer::ok(answer);
}

// As EMQX, only a connected client has a keepalive to change; it counts from
// the last packet received, so a client silent for longer than the new
// interval (times keepalive_multiplier) is disconnected at once.
Answer setKeepalive(Worker& w, Session& s, uint16_t interval) {
    Channel* ch = channelOf(s);
    if (!ch || ch->connection().closing()) return clientNotFound(s.clientId());
    ch->setKeepalive(interval);
    return showClient(w, s);
}

void changeKeepalive(const CommandContext& cx, const Json& args, const Responder& reply) {
    uint64_t interval = args["interval"].get<uint64_t>();
    if (interval > UINT16_MAX) return reply.fail(code::kBadArgs, "interval: expected 0..65535 seconds");
    runOnClientOwner(
        cx, args["clientid"].get<std::string>(),
        [interval](Worker& w, Session& s) { return setKeepalive(w, s, static_cast<uint16_t>(interval)); }, reply);
}

void listSessionMessages(SessionMessages which, const CommandContext& cx, const Json& args, const Responder& reply) {
    std::string error;
    auto req = parseMessagePageArgs(which, args, error);
    if (!req) return reply.fail(code::kBadArgs, error);
    runOnClientOwner(
        cx, args["clientid"].get<std::string>(),
        [which, req = *req](Worker&, Session& s) {
            auto page = sessionMessagePage(s, which, req);
            // EMQX's words.
            if (!page) return Answer::fail(code::kBadArgs, "Some message payloads are not JSON serializable");
            return Answer::ok(std::move(*page));
        },
        reply);
}

// One worker's clients that pass the filter: the ids of the first `wanted`
// of them by client id, and how many pass in all.
struct PassingIds {
    std::vector<std::string> ids;
    uint64_t total = 0;
};

PassingIds passingIds(Worker& w, const ClientFilter& filter, uint64_t wanted) {
    std::vector<const Session*> passing;
    w.shard().sessions().forEach([&](Session& s) {
        Channel* ch = channelOf(s);
        bool connected = ch && !ch->connection().closing();
        std::string_view peer = ch ? std::string_view(ch->connection().peer()) : std::string_view();
        if (clientPasses(filter, s.clientId(), s.username, peer, connected)) passing.push_back(&s);
    });
    auto byId = [](const Session* a, const Session* b) { return a->clientId() < b->clientId(); };
    auto keep = passing.begin() + static_cast<long>(std::min<uint64_t>(wanted, passing.size()));
    std::partial_sort(passing.begin(), keep, passing.end(), byId);
    PassingIds out{{}, passing.size()};
    out.ids.reserve(static_cast<size_t>(keep - passing.begin()));
    for (auto it = passing.begin(); it != keep; ++it) out.ids.push_back((*it)->clientId());
    return out;
}

// A page of clients in client id order, from every worker, in two rounds:
// the workers name the ids that could be on the page (the first skip + limit
// of theirs), then the owners of the page's ids write those rows. So a page
// costs a filter pass and its own rows in JSON, whatever page it is and
// however many sessions there are. A session that ends between the rounds
// is left out of the page.
void listClients(const CommandContext& cx, const Json& args, const Responder& reply) {
    std::string error;
    auto filter = clientFilterFromArgs(args, error);
    if (!filter) return reply.fail(code::kBadArgs, error);
    uint64_t limit = args.value("limit", kDefaultClientLimit);
    uint64_t skip = args.value("skip", uint64_t{0});
    uint64_t wanted = skip > UINT64_MAX - limit ? UINT64_MAX : skip + limit;
    const auto* workers = &cx.workers;
    ControlLoopInbox* back = &cx.control_loop;
    forEachWorker<PassingIds>(
        cx.workers, cx.control_loop,
        [wanted, filter = std::move(*filter)](Worker& w) { return passingIds(w, filter, wanted); },
        [workers, back, skip, limit, reply](std::vector<PassingIds>& parts) {
            std::vector<std::pair<std::string_view, size_t>> ids;  // (client id, worker)
            uint64_t total = 0;
            for (size_t w = 0; w < parts.size(); ++w) {
                total += parts[w].total;
                for (const std::string& id : parts[w].ids) ids.emplace_back(id, w);
            }
            std::sort(ids.begin(), ids.end());
            auto page_ids = std::make_shared<std::vector<std::vector<std::string>>>(parts.size());
            uint64_t on_page = 0;
            for (uint64_t i = skip; i < ids.size() && on_page < limit; ++i, ++on_page)
                (*page_ids)[ids[i].second].emplace_back(ids[i].first);
            bool truncated = total > skip + on_page;
            forEachWorker<Json>(
                *workers, *back,
                [page_ids](Worker& w) {
                    Json rows = Json::array();
                    for (const std::string& id : (*page_ids)[w.index()])
                        if (Session* s = w.shard().sessions().findByClientId(id)) rows.push_back(clientJson(w, *s));
                    return rows;
                },
                [total, truncated, reply](std::vector<Json>& parts) {
                    Json clients = Json::array();
                    for (Json& p : parts)
                        for (Json& row : p) clients.push_back(std::move(row));
                    std::sort(clients.begin(), clients.end(),
                              [](const Json& a, const Json& b) { return a["clientid"] < b["clientid"]; });
                    reply.ok({{"clients", std::move(clients)}, {"total", total}, {"truncated", truncated}});
                });
        });
}

}  // namespace

void registerClientCommands(Registry& r) {
    r.add("clients.list", listClients);

    r.add("clients.show", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        runOnClientOwner(cx, args["clientid"].get<std::string>(), showClient, reply);
    });

    r.add("clients.kick", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        runOnClientOwner(cx, args["clientid"].get<std::string>(), kickClient, reply);
    });

    r.add("clients.keepalive", changeKeepalive);

    r.add("clients.mqueue", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        listSessionMessages(SessionMessages::Mqueue, cx, args, reply);
    });

    r.add("clients.inflight", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        listSessionMessages(SessionMessages::Inflight, cx, args, reply);
    });
}

}  // namespace emqx::ctl
