// trace (list, create), trace/:name (delete), trace/:name/stop and
// trace/:name/log (EMQX 5.8's emqx_mgmt_api_trace), on the handlers of
// `emqxctl traces list|start|stop|delete` and `trace tail`.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/clock/rfc3339.h"
#include "common/clock/wall_clock.h"
#include "common/http/zip_archive.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/json_body.h"

namespace emqx::http {

namespace {

using ctl::Json;

// EMQX's default when a trace is made without end_at.
constexpr int64_t kDefaultDurationS = 10 * 60;
// EMQX's default of the log endpoint's `bytes`.
constexpr uint64_t kDefaultLogBytes = 1000;

// EMQX's trace: the target under its type's name ("clientid": "c1").
Json emqxTrace(const Json& t) {
    std::string type = t.at("type");
    std::string status = t.at("status");
    return {{"name", t.at("name")},         {"type", type},
            {type, t.at("target")},         {"status", status == "running" ? "running" : "stopped"},
            {"start_at", t.at("start_at")}, {"end_at", t.at("end_at")},
            {"log_size", t.at("log_size")}, {"formatter", t.at("formatter")},
            {"payload_encode", "text"}};
}

HttpResponse traceNotFound(const std::string& name) { return errorResponse(404, "NOT_FOUND", name + " NOT FOUND"); }

HttpResponse traceFailure(const ctl::Answer& a, const std::string& name) {
    return a.code == ctl::code::kNotFound ? traceNotFound(name) : ctlFailure(a);
}

void listTraces(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "traces.list", Json::object(), call.reply, [reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(ctlFailure(a));
        Json out = Json::array();
        for (const Json& t : a.data.at("traces")) out.push_back(emqxTrace(t));
        reply(jsonResponse(out));
    });
}

// {name, type, clientid | topic | ip_address, start_at, end_at, formatter}
// -> the args of traces.start; nullopt with why.
std::optional<Json> startArgs(const Json& body, int64_t now_s, std::string& error) {
    auto text = [&](const char* name) -> const std::string* {
        auto it = body.find(name);
        return it != body.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
    };
    const std::string* name = text("name");
    const std::string* type = text("type");
    if (!name || !type) {
        error = "name and type: strings are required";
        return std::nullopt;
    }
    if (*type != "clientid" && *type != "topic" && *type != "ip_address") {
        error = "type: expected clientid, topic or ip_address, got " + *type;
        return std::nullopt;
    }
    const std::string* target = text(type->c_str());
    if (!target) {
        error = *type + ": a string is required for a trace of type " + *type;
        return std::nullopt;
    }
    auto time = [&](const char* field, int64_t fallback) -> std::optional<int64_t> {
        const std::string* t = text(field);
        if (!body.contains(field)) return fallback;
        auto v = t ? parseRfc3339(*t) : std::nullopt;
        if (!v) error = std::string(field) + ": expected an RFC 3339 time, got " + body.at(field).dump();
        return v;
    };
    auto start = time("start_at", now_s);
    if (!start) return std::nullopt;
    // A trace starts when it is made; one that waits for its start_at is not built.
    if (*start > now_s) {
        error = "start_at: a trace that starts later is not supported; leave start_at out";
        return std::nullopt;
    }
    auto end = time("end_at", now_s + kDefaultDurationS);
    if (!end) return std::nullopt;
    if (*end <= now_s) {
        error = "end_at: must be in the future";
        return std::nullopt;
    }
    Json args = {{"name", *name}, {"type", *type}, {"target", *target}, {"duration", uint64_t(*end - now_s)}};
    if (const std::string* formatter = text("formatter")) args["formatter"] = *formatter;
    return args;
}

void createTrace(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    std::string error;
    auto args = startArgs(*body, wallClockMs() / 1000, error);
    if (!args) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    callCtl(cx, "traces.list", Json::object(), call.reply,
            [&cx, args = std::move(*args), reply = call.reply](ctl::Answer listed) {
                if (!listed.is_ok) return reply(ctlFailure(listed));
                for (const Json& t : listed.data.at("traces"))
                    if (t.at("name") == args.at("name"))
                        return reply(errorResponse(409, "ALREADY_EXISTS",
                                                   args.at("name").get<std::string>() + " Already Exists"));
                callCtl(cx, "traces.start", args, reply,
                        [reply](ctl::Answer a) { reply(a.is_ok ? jsonResponse(emqxTrace(a.data)) : ctlFailure(a)); });
            });
}

void stopTrace(const ApiContext& cx, ApiCall call) {
    std::string name = call.param("name");
    callCtl(cx, "traces.stop", {{"name", name}}, call.reply, [name, reply = call.reply](ctl::Answer a) {
        reply(a.is_ok ? jsonResponse(Json{{"enable", false}, {"name", name}}) : traceFailure(a, name));
    });
}

void deleteTrace(const ApiContext& cx, ApiCall call) {
    std::string name = call.param("name");
    callCtl(cx, "traces.delete", {{"name", name}}, call.reply,
            [name, reply = call.reply](ctl::Answer a) { reply(a.is_ok ? noContent() : traceFailure(a, name)); });
}

void clearTraces(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "traces.list", Json::object(), call.reply, [&cx, reply = call.reply](ctl::Answer listed) {
        if (!listed.is_ok) return reply(ctlFailure(listed));
        std::vector<Json> each;
        for (const Json& t : listed.data.at("traces")) each.push_back({{"name", t.at("name")}});
        callCtlEach(cx, "traces.delete", std::move(each), reply, [reply](std::vector<ctl::Answer>& answers) {
            // A trace deleted meanwhile is gone all the same.
            for (const ctl::Answer& a : answers)
                if (!a.is_ok && a.code != ctl::code::kNotFound) return reply(ctlFailure(a));
            reply(noContent());
        });
    });
}

// EMQX's download: a zip of the trace's log, `<node>-<name>.log` in it. The
// log is bounded by trace.max_file_size; it is read here, on the control loop,
// as `trace tail` reads it.
void downloadTrace(const ApiContext& cx, ApiCall call) {
    std::string name = call.param("name");
    callCtl(cx, "traces.list", Json::object(), call.reply,
            [name, node = cx.broker.cfg.node.name, reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(ctlFailure(a));
                for (const Json& t : a.data.at("traces")) {
                    if (t.at("name") != name) continue;
                    std::ifstream f(t.at("file").get<std::string>(), std::ios::binary);
                    std::ostringstream log;  // no file yet: nothing traced yet
                    if (f) log << f.rdbuf();
                    std::string zip;
                    try {
                        zip = zipOneFile(node + "-" + name + ".log", log.str(), wallClockMs());
                    } catch (const std::runtime_error& e) {
                        return reply(errorResponse(500, "INTERNAL_ERROR", e.what()));
                    }
                    HttpResponse r{200,
                                   {{"content-type", "application/octet-stream"},
                                    {"content-disposition", "attachment; filename=\"" + name + ".zip\""}},
                                   std::move(zip)};
                    return reply(r);
                }
                reply(traceNotFound(name));
            });
}

// At most `limit` bytes of `data`, not cutting a UTF-8 character in two (the
// next read starts where this one ends).
size_t utf8Prefix(const std::string& data, size_t limit) {
    if (data.size() <= limit) return data.size();
    size_t n = limit;
    while (n > 0 && (static_cast<unsigned char>(data[n]) & 0xC0) == 0x80) --n;
    return n == 0 ? limit : n;
}

// EMQX's {items: <the bytes from position>, meta: {position: <the next one>, bytes}}.
void traceLog(const ApiContext& cx, ApiCall call) {
    std::string name = call.param("name");
    uint64_t position = 0, bytes = kDefaultLogBytes;
    for (auto [field, value] : {std::pair{"position", &position}, std::pair{"bytes", &bytes}}) {
        const std::string* v = queryValue(call.query, field);
        if (!v) continue;
        if (v->empty() || v->size() > 18 || !std::all_of(v->begin(), v->end(), ::isdigit))
            return call.reply(errorResponse(400, "BAD_REQUEST", std::string(field) + ": a non-negative integer"));
        *value = std::stoull(*v);
    }
    if (const std::string* node = queryValue(call.query, "node"); node && *node != cx.broker.cfg.node.name)
        return call.reply(errorResponse(400, "NODE_ERROR", "Node not found"));
    callCtl(cx, "trace.tail", {{"name", name}, {"offset", position}}, call.reply,
            [name, bytes, reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(traceFailure(a, name));
                const std::string& data = a.data.at("data").get_ref<const std::string&>();
                std::string items = data.substr(0, utf8Prefix(data, bytes));
                uint64_t next = a.data.at("offset").get<uint64_t>() + items.size();
                reply(jsonResponse(Json{{"items", items}, {"meta", {{"position", next}, {"bytes", bytes}}}}));
            });
}

}  // namespace

void addTraceRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET", "/api/v5/trace", "Trace", "List the named traces", true, {}, {200}, listTraces});
    routes.push_back(Route{"POST",
                           "/api/v5/trace",
                           "Trace",
                           "Start a named trace of a client id, topic filter or IP address until end_at",
                           true,
                           {},
                           {200, 400, 409, 415},
                           createTrace});
    routes.push_back(Route{
        "DELETE", "/api/v5/trace", "Trace", "Delete every named trace and its log", true, {}, {204}, clearTraces});
    routes.push_back(Route{
        "PUT", "/api/v5/trace/:name/stop", "Trace", "Stop a trace (its log stays)", true, {}, {200, 404}, stopTrace});
    routes.push_back(Route{
        "DELETE", "/api/v5/trace/:name", "Trace", "Delete a trace and its log", true, {}, {204, 404}, deleteTrace});
    routes.push_back(Route{"GET",
                           "/api/v5/trace/:name/download",
                           "Trace",
                           "The trace's log as a zip",
                           true,
                           {},
                           {200, 404},
                           downloadTrace});
    routes.push_back(Route{"GET",
                           "/api/v5/trace/:name/log",
                           "Trace",
                           "The trace's log from a byte position (the bytes so far)",
                           true,
                           {{"position", "integer", "first byte to return (default 0)"},
                            {"bytes", "integer", "at most this many bytes (default 1000; at most 32768 a call)"},
                            {"node", "string", "the node whose log to read (this one)"}},
                           {200, 400, 404},
                           traceLog});
}

}  // namespace emqx::http
