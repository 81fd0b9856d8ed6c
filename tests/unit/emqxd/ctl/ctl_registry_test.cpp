// The command registry without a socket: handlers are called through
// Registry::dispatch with a CommandContext and a Responder that keeps the
// answer, as the HTTP API or a cluster peer would call them.
#include <catch2/catch.hpp>

#include <uv.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>

#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/client_owner.h"
#include "emqxd/ctl/control_loop_inbox.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/trace/trace_registry.h"
#include "emqxd/worker/worker.h"
#include "tests/unit/emqxd/worker/running_workers.h"

using namespace emqx;
using ctl::Answer;
using ctl::Json;

namespace {

// The control loop of a test: the thread running the test.
struct ControlLoop {
    uv_loop_t loop{};
    std::unique_ptr<ControlLoopInbox> inbox;

    ControlLoop() {
        uv_loop_init(&loop);
        inbox = std::make_unique<ControlLoopInbox>(&loop);
    }
    ~ControlLoop() {
        inbox->close();
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
    }

    // Runs the loop until `answer` is set, for at most 10 s.
    void runUntil(const std::optional<Answer>& answer) {
        uv_timer_t deadline;
        uv_timer_init(&loop, &deadline);
        uv_timer_start(
            &deadline, [](uv_timer_t*) {}, 10000, 0);
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!answer && std::chrono::steady_clock::now() < end) uv_run(&loop, UV_RUN_ONCE);
        uv_close(reinterpret_cast<uv_handle_t*>(&deadline), nullptr);
        uv_run(&loop, UV_RUN_NOWAIT);
    }
};

// Keeps a worker busy until destroyed (destroy it before the Fixture).
struct Fixture {
    explicit Fixture(unsigned count = 0) : broker(config::BrokerConfig{}, count), running(broker, count) {
        ctl::registerCommands(registry);
    }

    // Dispatches `cmd` and runs the control loop until it is answered.
    Answer call(std::string_view cmd, const Json& args) {
        std::optional<Answer> answer;
        ctl::CommandContext cx{broker, workers, traces, *control.inbox, hooks};
        registry.dispatch(cmd, args, cx, ctl::Responder([&answer](Answer a) { answer = std::move(a); }));
        control.runUntil(answer);
        REQUIRE(answer);
        return *answer;
    }

    void onWorker(unsigned i, const std::function<void(Worker&)>& fn) { running.onWorker(i, fn); }

    BrokerContext broker;
    test::RunningWorkers running;
    std::vector<std::unique_ptr<Worker>>& workers = running.workers;
    trace::TraceRegistry traces{broker.cfg.trace.max_file_size};
    ControlLoop control;
    CtlHooks hooks;
    ctl::Registry registry;
};

}  // namespace

TEST_CASE("ctl registry: every command of the table has a handler", "[ctl]") {
    ctl::Registry r;
    ctl::registerCommands(r);
    CHECK(r.problems().empty());
}

TEST_CASE("ctl registry: a command answers through the responder, no socket needed", "[ctl]") {
    Fixture f;
    Answer status = f.call("status", Json::object());
    REQUIRE(status.is_ok);
    CHECK(status.data["node"] == f.broker.cfg.node.name);
    CHECK(status.data["status"] == "started");

    Answer listener = f.call("listeners.stop", {{"id", "tcp:nope"}});
    CHECK_FALSE(listener.is_ok);
    CHECK(listener.code == ctl::code::kNotFound);
    CHECK(listener.message == "Invalid listener: tcp:nope");
}

TEST_CASE("ctl registry: bad requests are answered as errors before any handler runs", "[ctl]") {
    Fixture f;
    Answer unknown = f.call("nope", Json::object());
    CHECK(unknown.code == ctl::code::kUnknownCommand);
    Answer missing = f.call("clients.kick", Json::object());
    CHECK(missing.code == ctl::code::kBadArgs);
    CHECK(missing.message == "clients.kick: missing argument \"clientid\"");
    Answer qos = f.call("subscriptions.add", {{"clientid", "c"}, {"topic", "t"}, {"qos", 3u}});
    CHECK(qos.code == ctl::code::kBadArgs);
    CHECK(qos.message == "qos must be 0, 1 or 2");
    f.broker.stopping = true;
    CHECK(f.call("status", Json::object()).code == ctl::code::kShuttingDown);
}

TEST_CASE("ctl registry: a per-client command runs on the client's owner", "[ctl][session_registry]") {
    Fixture f(2);
    Answer unknown = f.call("clients.show", {{"clientid", "c"}});
    CHECK(unknown.message == "Not Found: client c");
    CHECK(isClientNotFound(unknown));
    f.onWorker(1, [](Worker& w) { w.shard().sessions().create("c"); });
    // Worker 0 is busy: a command asking every worker would wait for it.
    test::Hold busy(*f.workers[0]);
    Answer shown = f.call("clients.show", {{"clientid", "c"}});
    REQUIRE(shown.is_ok);
    CHECK(shown.data["client"]["worker"] == 1);
    Answer added = f.call("subscriptions.add", {{"clientid", "c"}, {"topic", "t/#"}, {"qos", 1u}});
    CHECK(added.data == Json{{"clientid", "c"}, {"topic", "t/#"}, {"qos", 1u}, {"nl", 0}, {"rap", 0}, {"rh", 0}});
    Answer del = f.call("subscriptions.del", {{"clientid", "c"}, {"topic", "x"}});
    CHECK(del.message == "Not Found: subscription c x");
    CHECK_FALSE(isClientNotFound(del));
    Answer kicked = f.call("clients.kick", {{"clientid", "c"}});
    CHECK(kicked.data == Json{{"clientid", "c"}, {"result", "discarded"}});
    CHECK_FALSE(f.broker.locator.owner("c"));
}

// The owner is looked up on the control loop; the session may end or move
// before the command reaches that worker.
TEST_CASE("ctl registry: a per-client command never acts on a session that has gone", "[ctl][session_registry]") {
    Fixture f(2);
    f.onWorker(0, [](Worker& w) { w.shard().sessions().create("c"); });
    // Worker 0 is held, so the command is sent to it; queued ahead of the
    // command, the session ends there (and, in one section, starts on worker 1).
    Worker& w0 = *f.workers[0];
    Worker& w1 = *f.workers[1];
    auto busy = std::make_unique<test::Hold>(w0);
    bool moves = GENERATE(false, true);
    w0.post([&, moves] {
        w0.shard().sessions().end(*w0.shard().sessions().findByClientId("c"));
        if (!moves) return;
        f.broker.locator.claim("c", 1);
        w1.post([&] { w1.shard().sessions().create("c"); });
    });
    std::optional<Answer> answer;
    ctl::CommandContext cx{f.broker, f.workers, f.traces, *f.control.inbox, f.hooks};
    f.registry.dispatch("clients.show", {{"clientid", "c"}}, cx,
                        ctl::Responder([&answer](Answer a) { answer = std::move(a); }));
    busy.reset();
    f.control.runUntil(answer);
    REQUIRE(answer);
    if (moves) {
        REQUIRE(answer->is_ok);
        CHECK(answer->data["client"]["worker"] == 1);  // followed to the new owner
    } else {
        CHECK(answer->code == ctl::code::kNotFound);
        CHECK(answer->message == "Not Found: client c");
    }
}
