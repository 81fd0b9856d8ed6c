#include "emqxd/ctl/client_owner.h"

#include <memory>
#include <utility>

#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/control_loop_inbox.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/worker/worker.h"

namespace emqx::ctl {

namespace {

struct Job {
    BrokerContext& broker;
    const std::vector<std::unique_ptr<Worker>>& workers;
    ControlLoopInbox& control_loop;
    std::string client_id;
    ClientTask task;
    Responder reply;
};

constexpr std::string_view kNoClient = "Not Found: client ";

void notFound(const Job& job) { job.reply.send(clientNotFound(job.client_id)); }

// On the control loop; `retries`: how many more owners to try after this one.
void runOnOwner(std::shared_ptr<const Job> job, int retries) {
    auto owner = job->broker.locator.owner(job->client_id);
    if (!owner || owner->worker >= job->workers.size()) return notFound(*job);
    Worker* w = job->workers[owner->worker].get();
    w->post([job, w, retries] {  // on the owner's thread
        Session* s = w->shard().sessions().findByClientId(job->client_id);
        if (!s) {
            // It ended, or moved on, since the lookup.
            job->control_loop.post([job, retries] { retries > 0 ? runOnOwner(job, retries - 1) : notFound(*job); });
            return;
        }
        job->control_loop.post([job, answer = job->task(*w, *s)]() mutable { job->reply.send(std::move(answer)); });
    });
}

}  // namespace

void runOnClientOwner(const CommandContext& cx, std::string client_id, ClientTask task, Responder reply) {
    runOnOwner(std::make_shared<const Job>(Job{cx.broker, cx.workers, cx.control_loop, std::move(client_id),
                                               std::move(task), std::move(reply)}),
               1);
}

Answer clientNotFound(std::string_view client_id) {
    return Answer::fail(code::kNotFound, std::string(kNoClient) + std::string(client_id));
}

bool isClientNotFound(const Answer& a) { return a.code == code::kNotFound && a.message.starts_with(kNoClient); }

}  // namespace emqx::ctl
