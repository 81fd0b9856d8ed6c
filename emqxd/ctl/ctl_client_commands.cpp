// clients list / show / kick. A client's line is built on the worker that
// owns its session: list asks every worker, show and kick only the owner.
#include <algorithm>

#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/client_owner.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/for_each_worker.h"
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
    Channel* ch = w.shard().channelOf(s.id());
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
    if (Channel* ch = w.shard().channelOf(s.id()); ch && !ch->connection().closing()) {
        ch->connection().close(ShutdownReason::Kicked);
        answer["result"] = "kicked";
    } else {
        w.shard().sessions().end(s);  // an offline session: kicking discards it
    }
    return Answer::ok(answer);
}

}  // namespace

void registerClientCommands(Registry& r) {
    r.add("clients.list", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        uint64_t limit = args.value("limit", kDefaultClientLimit);
        std::string match = args.value("match", std::string());
        forEachWorker<Json>(
            cx.workers, cx.control_loop,
            [limit, match](Worker& w) {
                Json part = {{"clients", Json::array()}, {"total", 0}};
                uint64_t total = 0;
                w.shard().sessions().forEach([&](Session& s) {
                    if (!match.empty() && s.clientId().find(match) == std::string::npos) return;
                    ++total;
                    if (part["clients"].size() < limit) part["clients"].push_back(clientJson(w, s));
                });
                part["total"] = total;
                return part;
            },
            [limit, reply](std::vector<Json>& parts) {
                Json clients = Json::array();
                uint64_t total = 0;
                for (auto& p : parts) {
                    total += p["total"].get<uint64_t>();
                    for (auto& c : p["clients"]) clients.push_back(std::move(c));
                }
                std::sort(clients.begin(), clients.end(),
                          [](const Json& a, const Json& b) { return a["clientid"] < b["clientid"]; });
                if (clients.size() > limit) clients.erase(clients.begin() + static_cast<long>(limit), clients.end());
                reply.ok({{"clients", clients}, {"total", total}, {"truncated", total > clients.size()}});
            });
    });

    r.add("clients.show", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        runOnClientOwner(cx, args["clientid"].get<std::string>(), showClient, reply);
    });

    r.add("clients.kick", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        runOnClientOwner(cx, args["clientid"].get<std::string>(), kickClient, reply);
    });
}

}  // namespace emqx::ctl
