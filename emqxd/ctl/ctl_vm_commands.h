#pragma once
// Handlers of vm and vm all|load|memory|process|io (docs/ctl-protocol.md).
namespace emqx {
class CtlServer;
namespace ctl {
class Registry;
void registerVmCommands(Registry& registry, CtlServer& server);
}  // namespace ctl
}  // namespace emqx
