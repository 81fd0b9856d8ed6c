#pragma once
// One function per endpoint group, each in its group's file; apiRoutes()
// (api_router.cpp) calls them all, in the order the OpenAPI document lists them.
#include <vector>

#include "emqxd/http/api_route.h"

namespace emqx::http {

void addStatusRoutes(std::vector<Route>& routes);       // /status
void addNodeRoutes(std::vector<Route>& routes);         // nodes, stats, metrics
void addListenerRoutes(std::vector<Route>& routes);     // listeners
void addClientRoutes(std::vector<Route>& routes);       // clients
void addClientAdminRoutes(std::vector<Route>& routes);  // clients/kickout/bulk, clients/:clientid/authorization/cache
void addClientSessionRoutes(
    std::vector<Route>& routes);                      // clients/:clientid/mqueue_messages, inflight_messages, keepalive
void addApiKeyRoutes(std::vector<Route>& routes);     // api_key
void addLoginRoutes(std::vector<Route>& routes);      // login, logout
void addUserRoutes(std::vector<Route>& routes);       // users (the dashboard's)
void addAuthnUserRoutes(std::vector<Route>& routes);  // authentication/:id/users (the built-in database's)
void addSubscriptionRoutes(std::vector<Route>& routes);  // subscriptions, clients/:clientid/(un)subscribe
void addTopicRoutes(std::vector<Route>& routes);         // topics
void addPrometheusRoutes(std::vector<Route>& routes);    // prometheus/stats
void addPublishRoutes(std::vector<Route>& routes);       // publish, publish/bulk
void addRetainerRoutes(std::vector<Route>& routes);      // mqtt/retainer
void addBannedRoutes(std::vector<Route>& routes);        // banned
void addTraceRoutes(std::vector<Route>& routes);         // trace
void addAuthzSourceRoutes(std::vector<Route>& routes);   // authorization/sources
void addLicenseRoutes(std::vector<Route>& routes);       // license
void addConfigRoutes(std::vector<Route>& routes);        // configs (read-only)
void addAlarmRoutes(std::vector<Route>& routes);         // alarms
void addClusterRoutes(std::vector<Route>& routes);       // cluster
void addDocRoutes(std::vector<Route>& routes);           // /api-docs/swagger.json

}  // namespace emqx::http
