#pragma once
// Handler of pem_cache.clean (docs/ctl-protocol.md, docs/security.md).
namespace emqx {
class CtlServer;
namespace ctl {
class Registry;
void registerTlsCommands(Registry& registry, CtlServer& server);
}  // namespace ctl
}  // namespace emqx
