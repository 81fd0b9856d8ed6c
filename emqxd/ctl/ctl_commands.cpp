// The handlers of every control command, bound to the table in
// common/ctl/commands.h. They run on the control loop; whatever lives on a
// worker (sessions, connections) is gathered with forEachWorker and answered
// from its completion.
#include <spdlog/sinks/sink.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <set>

#include "common/ctl/absent_commands.h"
#include "common/topic/topic.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/broker/broker_stats.h"
#include "emqxd/ctl/ctl_auth_commands.h"
#include "emqxd/ctl/ctl_license_commands.h"
#include "emqxd/ctl/ctl_server.h"
#include "emqxd/ctl/ctl_tls_commands.h"
#include "emqxd/ctl/ctl_vm_commands.h"
#include "emqxd/ctl/for_each_worker.h"
#include "emqxd/log/log.h"
#include "emqxd/net/connection.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/session/session.h"
#include "emqxd/sys/sys_publisher.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/worker/worker.h"

namespace emqx::ctl {

namespace {

constexpr uint64_t kDefaultClientLimit = 10000;

std::string rfc3339Now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
    if (n < 2) return std::string(buf, n);
    return std::string(buf, n - 2) + ":" + std::string(buf + n - 2, 2);  // +0100 -> +01:00
}

Json listenerJson(const BrokerContext& ctx, const ListenerStats& l) {
    Json counts = Json::object();
    for (size_t i = 0; i < kShutdownReasonCount; ++i) {
        uint64_t n = l.shutdown[i].load(std::memory_order_relaxed);
        if (n) counts[std::string(shutdownReasonName(static_cast<ShutdownReason>(i)))] = n;
    }
    return {
        {"id", l.id},
        {"type", l.config.type},
        {"name", l.config.name},
        {"enable", l.config.enable},
        {"listen_on", l.bind},
        {"acceptors", ctx.worker_count},
        {"proxy_protocol", false},
        {"running", l.running.load()},
        {"current_conn", l.current.load()},
        {"max_conns", l.max_connections},
        {"accepted", l.accepted.load()},
        {"refused", l.refused.load()},
        {"shutdown_count", counts},
    };
}

// One client's line, built on the worker that owns the session.
Json clientJson(Worker& w, Session& s) {
    Channel* ch = w.channelOf(s.id());
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
        {"connected", connected},
        {"created_at", s.created_at_ms},
        {"connected_at", c ? Json(c->connectedAtMs()) : Json(nullptr)},
        {"worker", w.index()},
    };
    if (!connected) j["disconnected_at"] = s.disconnected_at_ms;
    return j;
}

Json subscriptionsJson(Session& s) {
    Json out = Json::array();
    for (const auto& [filter, sub] : s.subscriptions()) {
        Json j = {
            {"clientid", s.clientId()},
            {"topic", filter},
            {"qos", sub.options.qos},
            {"nl", sub.options.no_local ? 1 : 0},
            {"rh", sub.options.retain_handling},
            {"rap", sub.options.retain_as_published ? 1 : 0},
        };
        if (sub.options.subscription_id) j["subid"] = sub.options.subscription_id;
        out.push_back(std::move(j));
    }
    return out;
}

bool logLevelFromName(const std::string& name, spdlog::level::level_enum& out) {
    static const std::pair<const char*, spdlog::level::level_enum> names[] = {
        {"debug", spdlog::level::debug},     {"info", spdlog::level::info},
        {"notice", spdlog::level::info},     {"warning", spdlog::level::warn},
        {"error", spdlog::level::err},       {"critical", spdlog::level::critical},
        {"alert", spdlog::level::critical},  {"emergency", spdlog::level::critical},
        {"all", spdlog::level::trace},       {"none", spdlog::level::off},
    };
    for (auto& [n, l] : names) {
        if (name == n) {
            out = l;
            return true;
        }
    }
    return false;
}

std::string logLevelName(spdlog::level::level_enum l) {
    switch (l) {
        case spdlog::level::trace: return "all";
        case spdlog::level::debug: return "debug";
        case spdlog::level::info: return "info";
        case spdlog::level::warn: return "warning";
        case spdlog::level::err: return "error";
        case spdlog::level::critical: return "critical";
        default: return "none";
    }
}

// EMQX's routes, sorted: a filter with direct subscribers once, and a shared
// group's filter ("x/#" of "$share/g/x/#") once per group; `only`: those of one filter.
Json routesJson(const BrokerContext& ctx, std::optional<std::string_view> only) {
    std::set<std::pair<std::string, std::string>> routes;  // (filter, group or "")
    ctx.router.forEachRoute([&](std::string_view filter, std::string_view group) {
        if (!only || filter == *only) routes.emplace(filter, group);
    });
    Json out = Json::array();
    for (const auto& [filter, group] : routes) {
        Json r = {{"topic", filter}, {"node", ctx.cfg.node.name}};
        if (!group.empty()) r["group"] = group;
        out.push_back(std::move(r));
    }
    return out;
}

void listenerAction(CtlServer& server, const Json& args, const Responder& respond, const char* action) {
    std::string id = args["id"].get<std::string>();
    bool known = false;
    for (auto& l : server.context().listeners) known = known || l->id == id;
    if (!known) {
        respond.error(code::kNotFound, "Invalid listener: " + id);
        return;
    }
    std::string error;
    std::string verb = action;
    bool ok = true;
    const CtlHooks& hooks = server.hooks();
    if (verb == "stop" || verb == "restart") ok = hooks.stop_listener(id, error);
    if (ok && (verb == "start" || verb == "restart")) ok = hooks.start_listener(id, error);
    if (!ok) {
        respond.error(code::kFailed, "Failed to " + verb + " " + id + " listener: " + error);
        return;
    }
    respond.ok({{"id", id}, {"action", verb}});
}

}  // namespace

void registerCommands(Registry& r, CtlServer& server) {
    CtlServer* srv = &server;
    BrokerContext& ctx = server.context();
    BrokerContext* cp = &ctx;

    r.add("status", [cp](const Json&, const Responder& respond) {
        respond.ok({{"node", cp->cfg.node.name}, {"version", EMQX_VERSION}, {"status", "started"}});
    });

    r.add("broker.info", [cp](const Json&, const Responder& respond) {
        int64_t up_ms = Worker::wallMs() - cp->started_at_ms;
        respond.ok({{"sysdescr", kSysDescr},
                    {"version", EMQX_VERSION},
                    {"uptime_s", up_ms > 0 ? up_ms / 1000 : 0},
                    {"datetime", rfc3339Now()}});
    });

    r.add("broker.stats", [cp](const Json&, const Responder& respond) {
        Json out = Json::object();
        for (auto& [name, value] : collectStats(*cp)) out[name] = value;
        respond.ok(out);
    });

    r.add("broker.metrics", [cp](const Json&, const Responder& respond) {
        Json out = Json::object();
        for (size_t i = 0; i < kMetricCount; ++i) {
            auto m = static_cast<Metric>(i);
            out[std::string(metricName(m))] = sumMetric(*cp, m);
        }
        respond.ok(out);
    });

    r.add("listeners.list", [cp](const Json&, const Responder& respond) {
        Json list = Json::array();
        for (auto& l : cp->listeners) list.push_back(listenerJson(*cp, *l));
        respond.ok({{"listeners", list}});
    });
    r.add("listeners.stop", [srv](const Json& a, const Responder& rp) { listenerAction(*srv, a, rp, "stop"); });
    r.add("listeners.start", [srv](const Json& a, const Responder& rp) { listenerAction(*srv, a, rp, "start"); });
    r.add("listeners.restart", [srv](const Json& a, const Responder& rp) { listenerAction(*srv, a, rp, "restart"); });

    r.add("clients.list", [cp, srv](const Json& args, const Responder& respond) {
        uint64_t limit = args.value("limit", kDefaultClientLimit);
        std::string match = args.value("match", std::string());
        forEachWorker<Json>(
            *cp, srv->inbox(),
            [limit, match](Worker& w) {
                Json part = {{"clients", Json::array()}, {"total", 0}};
                uint64_t total = 0;
                w.shard().forEachSession([&](Session& s) {
                    if (!match.empty() && s.clientId().find(match) == std::string::npos) return;
                    ++total;
                    if (part["clients"].size() < limit) part["clients"].push_back(clientJson(w, s));
                });
                part["total"] = total;
                return part;
            },
            [limit, respond](std::vector<Json>& parts) {
                Json clients = Json::array();
                uint64_t total = 0;
                for (auto& p : parts) {
                    total += p["total"].get<uint64_t>();
                    for (auto& c : p["clients"]) clients.push_back(std::move(c));
                }
                std::sort(clients.begin(), clients.end(),
                          [](const Json& a, const Json& b) { return a["clientid"] < b["clientid"]; });
                if (clients.size() > limit) clients.erase(clients.begin() + static_cast<long>(limit), clients.end());
                respond.ok({{"clients", clients}, {"total", total}, {"truncated", total > clients.size()}});
            });
    });

    r.add("clients.show", [cp, srv](const Json& args, const Responder& respond) {
        std::string id = args["clientid"].get<std::string>();
        forEachWorker<Json>(
            *cp, srv->inbox(),
            [id](Worker& w) {
                Session* s = w.shard().findSessionByClientId(id);
                if (!s) return Json(nullptr);
                Json j = clientJson(w, *s);
                // What users ask first when messages go missing: what the
                // session holds, and why it dropped what it dropped.
                j["session_memory_bytes"] = s->memoryBytes();
                Json drops = Json::object();
                for (size_t i = 0; i < kDropReasonCount; ++i) {
                    auto reason = static_cast<DropReason>(i);
                    drops[std::string(dropReasonName(reason))] = s->droppedCount(reason);
                }
                j["dropped_by_reason"] = drops;
                return j;
            },
            [id, respond](std::vector<Json>& parts) {
                for (auto& p : parts)
                    if (!p.is_null()) return respond.ok({{"client", p}});
                respond.error(code::kNotFound, "Not Found: client " + id);
            });
    });

    r.add("clients.kick", [cp, srv](const Json& args, const Responder& respond) {
        std::string id = args["clientid"].get<std::string>();
        forEachWorker<Json>(
            *cp, srv->inbox(),
            [id](Worker& w) {
                Session* s = w.shard().findSessionByClientId(id);
                if (!s) return Json(nullptr);
                if (Channel* ch = w.channelOf(s->id()); ch && !ch->connection().closing()) {
                    ch->connection().close(ShutdownReason::Kicked);
                    return Json("kicked");
                }
                w.shard().endSession(*s);  // an offline session: kicking discards it
                return Json("discarded");
            },
            [id, respond](std::vector<Json>& parts) {
                for (auto& p : parts)
                    if (!p.is_null()) return respond.ok({{"clientid", id}, {"result", p}});
                respond.error(code::kNotFound, "Not Found: client " + id);
            });
    });

    r.add("subscriptions.list", [cp, srv](const Json&, const Responder& respond) {
        forEachWorker<Json>(
            *cp, srv->inbox(),
            [](Worker& w) {
                Json part = Json::array();
                w.shard().forEachSession([&](Session& s) {
                    for (auto& j : subscriptionsJson(s)) part.push_back(std::move(j));
                });
                return part;
            },
            [respond](std::vector<Json>& parts) {
                Json all = Json::array();
                for (auto& p : parts)
                    for (auto& j : p) all.push_back(std::move(j));
                std::sort(all.begin(), all.end(), [](const Json& a, const Json& b) {
                    return std::tie(a["clientid"], a["topic"]) < std::tie(b["clientid"], b["topic"]);
                });
                respond.ok({{"subscriptions", all}});
            });
    });

    r.add("subscriptions.show", [cp, srv](const Json& args, const Responder& respond) {
        std::string id = args["clientid"].get<std::string>();
        forEachWorker<Json>(
            *cp, srv->inbox(),
            [id](Worker& w) {
                Session* s = w.shard().findSessionByClientId(id);
                return s ? subscriptionsJson(*s) : Json(nullptr);
            },
            [id, respond](std::vector<Json>& parts) {
                for (auto& p : parts)
                    if (!p.is_null()) return respond.ok({{"clientid", id}, {"subscriptions", p}});
                respond.error(code::kNotFound, "Not Found: client " + id);
            });
    });

    r.add("subscriptions.add", [cp, srv](const Json& args, const Responder& respond) {
        std::string id = args["clientid"].get<std::string>();
        std::string filter = args["topic"].get<std::string>();
        uint64_t qos = args["qos"].get<uint64_t>();
        if (qos > 2) return respond.error(code::kBadArgs, "qos must be 0, 1 or 2");
        if (!topic::parseFilter(filter, cp->cfg.mqtt.max_topic_levels))
            return respond.error(code::kBadArgs, "invalid topic filter: " + filter);
        qos = std::min<uint64_t>(qos, cp->cfg.mqtt.max_qos_allowed);
        forEachWorker<Json>(
            *cp, srv->inbox(),
            [id, filter, qos](Worker& w) {
                Session* s = w.shard().findSessionByClientId(id);
                if (!s) return Json(nullptr);
                SubscriptionOptions options{static_cast<uint8_t>(qos), false, false, 0, 0};
                w.shard().addSubscription(*s, filter, options);
                w.shard().sessionChanged(*s);
                w.metrics().add(Metric::ClientSubscribe);
                return Json(true);
            },
            [id, filter, qos, respond](std::vector<Json>& parts) {
                for (auto& p : parts)
                    if (!p.is_null()) return respond.ok({{"clientid", id}, {"topic", filter}, {"qos", qos}});
                respond.error(code::kNotFound, "Not Found: client " + id);
            });
    });

    r.add("subscriptions.del", [cp, srv](const Json& args, const Responder& respond) {
        std::string id = args["clientid"].get<std::string>();
        std::string filter = args["topic"].get<std::string>();
        forEachWorker<Json>(
            *cp, srv->inbox(),
            [id, filter](Worker& w) {
                Session* s = w.shard().findSessionByClientId(id);
                if (!s) return Json(nullptr);
                if (!w.shard().removeSubscription(*s, filter)) return Json(false);
                w.shard().sessionChanged(*s);
                w.metrics().add(Metric::ClientUnsubscribe);
                return Json(true);
            },
            [id, filter, respond](std::vector<Json>& parts) {
                for (auto& p : parts) {
                    if (p.is_null()) continue;
                    if (!p.get<bool>())
                        return respond.error(code::kNotFound, "Not Found: subscription " + id + " " + filter);
                    return respond.ok({{"clientid", id}, {"topic", filter}});
                }
                respond.error(code::kNotFound, "Not Found: client " + id);
            });
    });

    r.add("topics.show", [cp](const Json& args, const Responder& respond) {
        std::string topic = args["topic"].get<std::string>();
        Json routes = routesJson(*cp, topic);
        if (routes.empty()) return respond.error(code::kNotFound, "Not Found: topic " + topic);
        respond.ok({{"topics", routes}});
    });

    r.add("retainer.topics", [cp](const Json&, const Responder& respond) {
        std::set<std::string> topics;
        for (const char* filter : {"#", "$SYS/#"})
            cp->retain->match(filter, [&](const MessagePtr& m) { topics.emplace(m->topic); });
        Json list = Json::array();
        for (auto& t : topics) list.push_back(t);
        respond.ok({{"topics", list}});
    });

    r.add("log.primary-level", [](const Json& args, const Responder& respond) {
        auto logger = spdlog::default_logger();
        if (!args.contains("level")) return respond.ok({{"level", logLevelName(logger->level())}});
        std::string name = args["level"].get<std::string>();
        spdlog::level::level_enum level;
        if (!logLevelFromName(name, level)) {
            respond.error(code::kBadArgs,
                          "unknown log level \"" + name +
                              "\" (debug, info, notice, warning, error, critical, alert, emergency, all, none)");
            return;
        }
        // The primary level gates every handler; the console and file keep their own.
        logger->set_level(level);
        log::info("ctl: primary log level set to {}", name);
        respond.ok({{"level", name}});
    });

    r.add("topics.list", [cp](const Json&, const Responder& respond) {
        respond.ok({{"topics", routesJson(*cp, std::nullopt)}});
    });

    r.add("retainer.info", [cp](const Json&, const Responder& respond) {
        respond.ok({{"count", cp->retain->size()}});
    });

    r.add("retainer.clean", [cp](const Json& args, const Responder& respond) {
        Json topic = args.contains("topic") ? args["topic"] : Json(nullptr);
        if (topic.is_string() && topic.get_ref<const std::string&>().empty()) {
            respond.error(code::kBadArgs, "retainer.clean: topic must not be empty");
            return;
        }
        size_t removed = cp->retain->erase(topic.is_string() ? topic.get<std::string>() : std::string());
        respond.ok({{"topic", topic}, {"removed", removed}});
    });

    r.add("log.set-level", [](const Json& args, const Responder& respond) {
        std::string name = args["level"].get<std::string>();
        spdlog::level::level_enum level;
        if (!logLevelFromName(name, level)) {
            respond.error(code::kBadArgs,
                          "unknown log level \"" + name +
                              "\" (debug, info, notice, warning, error, critical, alert, emergency, all, none)");
            return;
        }
        auto logger = spdlog::default_logger();
        for (auto& sink : logger->sinks()) sink->set_level(level);
        logger->set_level(level);
        log::info("ctl: log level set to {}", name);
        respond.ok({{"level", name}});
    });

    r.add("cluster.status", [cp](const Json&, const Responder& respond) {
        respond.ok({{"running_nodes", Json::array({cp->cfg.node.name})}, {"stopped_nodes", Json::array()}});
    });
    for (const char* name : {"cluster.join", "cluster.leave", "cluster.force-leave"})
        r.add(name, [](const Json&, const Responder& respond) {
            respond.error(code::kNotAvailable, kNoClusterYet);
        });

    registerTraceCommands(r, server);
    registerLicenseCommands(r, server);
    registerAuthCommands(r, server);
    registerTlsCommands(r, server);
    registerVmCommands(r, server);
}

}  // namespace emqx::ctl
