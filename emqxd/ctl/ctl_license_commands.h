#pragma once
// Handlers of license.info, license.reload (the FAQ's) and license.update
// (EMQX 5's); docs/ctl-protocol.md.
namespace emqx {
class CtlServer;
namespace ctl {
class Registry;
void registerLicenseCommands(Registry& registry, CtlServer& server);
}  // namespace ctl
}  // namespace emqx
