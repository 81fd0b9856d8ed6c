// cluster (GET): EMQX 5.8's emqx_mgmt_api_cluster answer {name, nodes, self}
// on the handler of `emqxctl cluster status`. One node today: joining,
// leaving and EMQX's invite/force_leave endpoints wait for the cluster.
#include <algorithm>

#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"

namespace emqx::http {

namespace {

void clusterInfo(const ApiContext& cx, ApiCall call) {
    std::string name = cx.broker.cfg.cluster.name;
    std::string self = cx.broker.cfg.node.name;
    callCtl(cx, "cluster.status", ctl::Json::object(), call.reply, [name, self, reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(ctlFailure(a));
        ctl::Json nodes = a.data.at("running_nodes");
        std::sort(nodes.begin(), nodes.end());
        reply(jsonResponse({{"name", name}, {"nodes", nodes}, {"self", self}}));
    });
}

}  // namespace

void addClusterRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/cluster",
                           "Cluster",
                           "The cluster's name, its running nodes and this node's name",
                           true,
                           {},
                           {200},
                           clusterInfo});
}

}  // namespace emqx::http
