#pragma once
// Where a worker's messages for other nodes leave: one loop iteration's batch
// per peer node, handed over by BrokerShard::flushOutgoing. The cluster (a
// later issue) implements it with one TCP link per (worker, peer node); this
// folder sits low so that the router and the shard see the seam, and the
// cluster, which needs the runtime and the shard, sits above them.
// Owner: the worker thread whose batches it takes.
#include <span>

#include "emqxd/message/message.h"
#include "emqxd/peer/node_id.h"

namespace emqx {

class NodeLinks {
public:
    virtual ~NodeLinks() = default;
    // `batch` is this iteration's messages for `node` (never kThisNode), in
    // publish order, each once however many of its subscribers are there:
    // the receiving node matches them against its own routes. Valid for the
    // call only; a link that keeps a message (to resend it) copies the pointer.
    virtual void send(NodeId node, std::span<const MessagePtr> batch) = 0;
};

}  // namespace emqx
