// The handlers of every control command, bound to the table in
// common/ctl/commands.h, group by group.
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"

namespace emqx::ctl {

void registerCommands(Registry& r) {
    registerNodeCommands(r);
    registerListenerCommands(r);
    registerClientCommands(r);
    registerSubscriptionCommands(r);
    registerTopicCommands(r);
    registerLogCommands(r);
    registerTraceCommands(r);
    registerLicenseCommands(r);
    registerAuthCommands(r);
    registerAuthzCacheCommands(r);
    registerTlsCommands(r);
    registerVmCommands(r);
    registerApiKeyCommands(r);
    registerAdminCommands(r);
}

}  // namespace emqx::ctl
