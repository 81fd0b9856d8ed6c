#pragma once
// How an endpoint calls the ctl registry's handlers (the ones emqxctl runs,
// so the two cannot disagree) and how a ctl failure becomes an HTTP answer.
#include <functional>
#include <string_view>
#include <vector>

#include "common/ctl/protocol.h"
#include "common/http/http_response.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/http/api_route.h"

namespace emqx::http {

// Runs ctl command `name` with `args`; `done` gets its answer on the control
// loop. An exception in `done` is answered 500 through `reply` (it runs in a
// libuv callback, where none may escape).
void callCtl(const ApiContext& cx, std::string_view name, ctl::Json args, const Reply& reply,
             std::function<void(ctl::Answer)> done);

// Runs each command (no arguments) and calls `done` once all have answered,
// with the answers in the order of `names`.
void callCtlAll(const ApiContext& cx, std::vector<std::string_view> names, const Reply& reply,
                std::function<void(std::vector<ctl::Answer>&)> done);

// Runs command `name` once for each of `args` (in order, all at once) and
// calls `done` once all have answered, with the answers in the order of `args`.
void callCtlEach(const ApiContext& cx, std::string_view name, std::vector<ctl::Json> args, const Reply& reply,
                 std::function<void(std::vector<ctl::Answer>&)> done);

// A failed answer as EMQX would say it: not_found 404 NOT_FOUND, bad_args 400
// BAD_REQUEST, shutting_down 503, not_available 501, anything else 500.
HttpResponse ctlFailure(const ctl::Answer& a);

// A failed answer of a command about one client: 404 CLIENTID_NOT_FOUND when
// it has no session (ctl::isClientNotFound), else as ctlFailure.
HttpResponse clientFailure(const ctl::Answer& a);

// The first failed answer, or null when all succeeded.
const ctl::Answer* firstFailure(const std::vector<ctl::Answer>& answers);

}  // namespace emqx::http
