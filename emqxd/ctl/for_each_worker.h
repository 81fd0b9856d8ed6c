#pragma once
// "Ask every worker, answer when all replied" (STYLE.md practice 2): `fn`
// runs on each worker's own thread, its result is posted back to the control
// loop, and `on_all_done` runs there once every worker has answered, with the
// parts in worker order. The control loop never touches worker state itself.
#include <functional>
#include <memory>
#include <vector>

#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/control_loop_inbox.h"
#include "emqxd/worker/worker.h"

namespace emqx {

template <class Part>
void forEachWorker(BrokerContext& ctx, ControlLoopInbox& back, std::function<Part(Worker&)> fn,
                   std::function<void(std::vector<Part>&)> on_all_done) {
    struct State {
        std::vector<Part> parts;
        size_t remaining;
        std::function<void(std::vector<Part>&)> done;
    };
    auto st = std::make_shared<State>(
        State{std::vector<Part>(ctx.workers.size()), ctx.workers.size(), std::move(on_all_done)});
    if (ctx.workers.empty()) {
        st->done(st->parts);
        return;
    }
    auto shared_fn = std::make_shared<std::function<Part(Worker&)>>(std::move(fn));
    for (size_t i = 0; i < ctx.workers.size(); ++i) {
        Worker* w = ctx.workers[i].get();
        ControlLoopInbox* inbox = &back;
        w->post([st, shared_fn, w, i, inbox] {
            Part part = (*shared_fn)(*w);                            // on the worker's thread
            inbox->post([st, i, part = std::move(part)]() mutable {  // on the control loop
                st->parts[i] = std::move(part);
                if (--st->remaining == 0) st->done(st->parts);
            });
        });
    }
}

}  // namespace emqx
