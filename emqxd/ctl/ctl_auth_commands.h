#pragma once
// Handlers of users.*, acl.reload, authz.cache-clean and banned.* (docs/ctl-protocol.md).
namespace emqx {
class CtlServer;
namespace ctl {
class Registry;
void registerAuthCommands(Registry& registry, CtlServer& server);
}  // namespace ctl
}  // namespace emqx
