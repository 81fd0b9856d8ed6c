#include "emqxd/worker/worker.h"

#include <unistd.h>

#include "emqxd/broker/listener_stats.h"
#include "emqxd/net/connection.h"
#include "emqxd/protocol/publish_header_cache.h"
#include "emqxd/shard/session_manager.h"

namespace emqx {

Worker::Worker(BrokerContext& ctx, uint32_t index, SendToOwner send_to_owner)
    : runtime_(index, ctx.cfg.log.throttling_time_window),
      shard_(runtime_, ctx, [this](uint64_t id) { return connections_.isOpen(id); }),
      connections_(runtime_, shard_, ctx, std::move(send_to_owner)) {
    runtime_.setHandlers({
        .batch = [this](std::vector<WorkerRuntime::InboxItem>& batch) { runBatch(batch); },
        .deadline =
            [this](const DeadlineEntry& e, int64_t now) {
                if (e.kind == DeadlineKind::Connection) connections_.onDeadline(e.id, now);
                else shard_.sessions().onDeadline(e.id);
            },
        .end_of_iteration = [this] { endOfIteration(); },
    });
    if (ctx.runtimes.size() <= index) {
        ctx.runtimes.resize(index + 1);
        ctx.shards.resize(index + 1);
    }
    ctx.runtimes[index] = &runtime_;
    ctx.shards[index] = &shard_;
}

Worker::~Worker() { runtime_.join(); }

bool Worker::acksWaitForCommit() const { return shard_.acks().waitingForCommit(); }

void Worker::adoptSocket(int fd, ListenerStats* listener, std::string peer) {
    post(
        [this, fd, listener, peer = std::move(peer)]() mutable { connections_.accept(fd, listener, std::move(peer)); });
}

void Worker::adoptMigrating(MigratingConnection m) {
    auto shared = std::make_shared<MigratingConnection>(std::move(m));
    post([this, shared] {
        MigratingConnection& mc = *shared;
        if (runtime_.stopping()) {
            ::close(mc.fd);
            mc.listener->current.fetch_sub(1, std::memory_order_relaxed);
            return;
        }
        Connection& c =
            connections_.open(mc.fd, mc.listener, std::move(mc.peer), std::move(mc.transport), std::move(mc.wire));
        c.setConnectedAtMs(mc.connected_at_ms);
        if (c.closing()) return;
        runtime_.metrics().add(Metric::PacketsConnectReceived);
        c.channel().handleMigratedConnect(std::move(mc.connect), mc.hops, mc.superuser);
        if (auto again = c.channel().takeMigration()) {
            // The owner changed meanwhile: follow it (bounded by hops).
            c.migrate(std::move(*again), std::move(mc.unread));
            return;
        }
        c.feed(mc.unread);
    });
}

void Worker::requestStop() {
    post([this] {
        // The password verifier drops its queued checks: the loop ends once
        // the running ones are back.
        runtime_.beginStop();
        connections_.closeAll();
        if (connections_.empty()) runtime_.closeLoopHandles();
    });
}

void Worker::runBatch(std::vector<WorkerRuntime::InboxItem>& batch) {
    for (WorkerRuntime::InboxItem& item : batch) {
        if (auto* d = std::get_if<Delivery>(&item)) {
            shard_.deliver(*d);
        } else {
            std::get<WorkerRuntime::Task>(item)();
        }
    }
}

void Worker::endOfIteration() {
    shard_.flushOutgoing();
    // Once per loop iteration: the cached headers let go of their message.
    runtime_.local<PublishHeaderCache>().clear();
    connections_.flush();
}

}  // namespace emqx
