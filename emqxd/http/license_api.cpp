// license: GET (the license in force) and POST (upload a license key) as
// EMQX 5.8's emqx_license_http_api, on the handlers of `emqxctl license
// info|update`. An uploaded license is installed where the broker loads it
// from at start (license.file), so it outlives a restart.
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/json_body.h"

namespace emqx::http {

namespace {

using ctl::Json;

// EMQX 5.8's fields, out of what `emqxctl license info` answers.
Json emqxLicense(const Json& info) {
    Json out = Json::object();
    for (const char* field : {"customer", "customer_type", "deployment", "email", "expiry", "expiry_at", "issued_at",
                              "max_connections", "start_at", "type"})
        out[field] = info.at(field);
    return out;
}

void getLicense(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "license.info", Json::object(), call.reply, [reply = call.reply](ctl::Answer a) {
        reply(a.is_ok ? jsonResponse(emqxLicense(a.data)) : ctlFailure(a));
    });
}

void uploadLicense(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto key = stringField(call, *body, "key");
    if (!key) return;
    if (key->empty()) return call.reply(errorResponse(400, "BAD_REQUEST", "key: the license text is required"));
    // emqxctl may name a file on the broker's host; a caller over the network may not.
    if (key->starts_with("file://"))
        return call.reply(errorResponse(400, "BAD_REQUEST", "key: the license text itself, not a file:// path"));
    callCtl(cx, "license.update", {{"key", *key}}, call.reply, [reply = call.reply](ctl::Answer a) {
        // The license was refused (bad signature, expired, unwritable file): the old one stays.
        reply(a.is_ok ? jsonResponse(emqxLicense(a.data)) : errorResponse(400, "BAD_REQUEST", a.message));
    });
}

}  // namespace

void addLicenseRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/license",
                           "License",
                           "The license in force: customer, type, max_connections, expiry...",
                           true,
                           {},
                           {200},
                           getLicense});
    routes.push_back(Route{"POST",
                           "/api/v5/license",
                           "License",
                           "Upload a license: {key: <the license file's text>}; installed and applied at once",
                           true,
                           {},
                           {200, 400, 415},
                           uploadLicense});
}

}  // namespace emqx::http
