// emqxctl pem_cache clean: re-read every TLS listener's certificate, key, CA
// and CRL files and use them for new handshakes. All listeners' files are
// loaded first; only when every one loads are the contexts swapped, so a bad
// file leaves every listener as it was.
//
// Threads: this runs on the control loop. The new context is published with
// one atomic store into the listener's shared ListenerStats (the same object
// the accept path reads); workers load it when they set up a new connection's
// transport. No worker state is touched, and the reply is sent after the
// store, so a handshake started after `emqxctl` returns uses the new files.
// A connection keeps the context it was created with (its TlsTransport holds a
// reference), so existing sessions are not disturbed.

#include <memory>
#include <utility>
#include <vector>

#include "emqxd/broker/broker_context.h"
#include "emqxd/broker/listener_stats.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/log/log.h"
#include "emqxd/net/tls/tls_context.h"

namespace emqx::ctl {

void registerTlsCommands(Registry& r) {
    r.add("pem_cache.clean", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        // EMQX's form is `pem_cache clean all`; one node, so "all" is the only target.
        if (args.contains("target") && args["target"] != "all")
            return reply.fail(code::kBadArgs, "target must be all (the only node)");
        std::vector<std::pair<ListenerStats*, std::shared_ptr<TlsContext>>> fresh;
        for (auto& l : cx.broker.listeners) {
            if (!l->tls.load()) continue;  // not a TLS listener
            std::string error;
            std::shared_ptr<TlsContext> ctx = TlsContext::forListener(l->config, error);
            if (!ctx) {
                log::warn("pem_cache clean refused, every listener keeps its certificates: {}", error);
                return reply.fail(code::kFailed, error);
            }
            fresh.emplace_back(l.get(), std::move(ctx));
        }
        Json ids = Json::array();
        for (auto& [l, ctx] : fresh) {
            l->tls.store(std::move(ctx));
            ids.push_back(l->id);
        }
        log::info("pem_cache cleaned: new TLS handshakes on {} use the files as they are now", ids.dump());
        reply.ok({{"result", "cleaned"}, {"listeners", ids}});
    });
}

}  // namespace emqx::ctl
