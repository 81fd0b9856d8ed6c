#include "emqxd/http/ctl_call.h"

#include <memory>
#include <utility>

#include "emqxd/ctl/client_owner.h"
#include "emqxd/log/log.h"

namespace emqx::http {

void callCtl(const ApiContext& cx, std::string_view name, ctl::Json args, const Reply& reply,
             std::function<void(ctl::Answer)> done) {
    auto sink = [reply, done = std::move(done), cmd = std::string(name)](ctl::Answer a) {
        try {
            done(std::move(a));
        } catch (const std::exception& e) {
            log::error("http: the answer of {} failed: {}", cmd, e.what());
            reply(errorResponse(500, "INTERNAL_ERROR", std::string("internal error: ") + e.what()));
        }
    };
    cx.registry.dispatch(name, args, cx.ctl, ctl::Responder(std::move(sink)));
}

namespace {

using Call = std::pair<std::string_view, ctl::Json>;

void callAll(const ApiContext& cx, std::vector<Call> calls, const Reply& reply,
             std::function<void(std::vector<ctl::Answer>&)> done) {
    struct State {
        std::vector<ctl::Answer> answers;
        size_t remaining;
        std::function<void(std::vector<ctl::Answer>&)> done;
    };
    auto st = std::make_shared<State>(
        State{std::vector<ctl::Answer>(calls.size(), ctl::Answer::ok(nullptr)), calls.size(), std::move(done)});
    if (calls.empty()) return st->done(st->answers);
    for (size_t i = 0; i < calls.size(); ++i)
        callCtl(cx, calls[i].first, std::move(calls[i].second), reply, [st, i](ctl::Answer a) {
            st->answers[i] = std::move(a);
            if (--st->remaining == 0) st->done(st->answers);
        });
}

}  // namespace

void callCtlAll(const ApiContext& cx, std::vector<std::string_view> names, const Reply& reply,
                std::function<void(std::vector<ctl::Answer>&)> done) {
    std::vector<Call> calls;
    for (std::string_view name : names) calls.emplace_back(name, ctl::Json::object());
    callAll(cx, std::move(calls), reply, std::move(done));
}

void callCtlEach(const ApiContext& cx, std::string_view name, std::vector<ctl::Json> args, const Reply& reply,
                 std::function<void(std::vector<ctl::Answer>&)> done) {
    std::vector<Call> calls;
    for (ctl::Json& a : args) calls.emplace_back(name, std::move(a));
    callAll(cx, std::move(calls), reply, std::move(done));
}

HttpResponse ctlFailure(const ctl::Answer& a) {
    namespace code = ctl::code;
    if (a.code == code::kNotFound) return errorResponse(404, "NOT_FOUND", a.message);
    if (a.code == code::kBadArgs) return errorResponse(400, "BAD_REQUEST", a.message);
    if (a.code == code::kShuttingDown) return errorResponse(503, "SERVICE_UNAVAILABLE", a.message);
    if (a.code == code::kNotAvailable) return errorResponse(501, "NOT_IMPLEMENTED", a.message);
    return errorResponse(500, "INTERNAL_ERROR", a.message);
}

HttpResponse clientFailure(const ctl::Answer& a) {
    if (ctl::isClientNotFound(a)) return errorResponse(404, "CLIENTID_NOT_FOUND", "Client ID not found");
    return ctlFailure(a);
}

const ctl::Answer* firstFailure(const std::vector<ctl::Answer>& answers) {
    for (const auto& a : answers)
        if (!a.is_ok) return &a;
    return nullptr;
}

}  // namespace emqx::http
