#pragma once
// One registration function per command group, each in its group's file
// (emqxd/ctl/ctl_<group>_commands.cpp); registerCommands (ctl_commands.cpp)
// calls them all. Handlers run on the control loop.
namespace emqx::ctl {

class Registry;

void registerNodeCommands(Registry& registry);          // status, broker, cluster
void registerListenerCommands(Registry& registry);      // listeners
void registerClientCommands(Registry& registry);        // clients
void registerSubscriptionCommands(Registry& registry);  // subscriptions
void registerTopicCommands(Registry& registry);         // topics, retainer
void registerLogCommands(Registry& registry);           // log
void registerTraceCommands(Registry& registry);         // trace, traces
void registerLicenseCommands(Registry& registry);       // license
void registerAuthCommands(Registry& registry);          // users, acl, authz, banned
void registerAuthzCacheCommands(Registry& registry);    // authz cache-list
void registerTlsCommands(Registry& registry);           // pem_cache
void registerVmCommands(Registry& registry);            // vm
void registerApiKeyCommands(Registry& registry);        // api_keys
void registerAdminCommands(Registry& registry);         // admins

}  // namespace emqx::ctl
