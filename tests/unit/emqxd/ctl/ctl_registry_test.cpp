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
#include "emqxd/ctl/control_loop_inbox.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/worker/worker.h"

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
class Hold {
public:
    explicit Hold(Worker& w) {
        w.post([held = release_.get_future().share()] { held.wait(); });
    }
    ~Hold() { release_.set_value(); }

private:
    std::promise<void> release_;
};

struct Fixture {
    explicit Fixture(unsigned workers = 0) : broker(config::BrokerConfig{}, workers) {
        ctl::registerCommands(registry);
        for (unsigned i = 0; i < workers; ++i) broker.workers.push_back(std::make_unique<Worker>(broker, i));
        for (auto& w : broker.workers) w->start();
    }
    ~Fixture() {
        for (auto& w : broker.workers) w->requestStop();
        for (auto& w : broker.workers) w->join();
    }

    // Dispatches `cmd` and runs the control loop until it is answered.
    Answer call(std::string_view cmd, const Json& args) {
        std::optional<Answer> answer;
        ctl::CommandContext cx{broker, *control.inbox, hooks};
        registry.dispatch(cmd, args, cx, ctl::Responder([&answer](Answer a) { answer = std::move(a); }));
        control.runUntil(answer);
        REQUIRE(answer);
        return *answer;
    }

    // Runs `fn` on worker `i` and waits for it.
    void onWorker(unsigned i, std::function<void(Worker&)> fn) {
        std::promise<void> done;
        Worker& w = *broker.workers[i];
        w.post([&] {
            fn(w);
            done.set_value();
        });
        done.get_future().wait();
    }

    BrokerContext broker;
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
    CHECK(f.call("clients.show", {{"clientid", "c"}}).message == "Not Found: client c");
    f.onWorker(1, [](Worker& w) { w.shard().createSession("c"); });
    // Worker 0 is busy: a command asking every worker would wait for it.
    Hold busy(*f.broker.workers[0]);
    Answer shown = f.call("clients.show", {{"clientid", "c"}});
    REQUIRE(shown.is_ok);
    CHECK(shown.data["client"]["worker"] == 1);
    Answer added = f.call("subscriptions.add", {{"clientid", "c"}, {"topic", "t/#"}, {"qos", 1u}});
    CHECK(added.data == Json{{"clientid", "c"}, {"topic", "t/#"}, {"qos", 1u}});
    Answer del = f.call("subscriptions.del", {{"clientid", "c"}, {"topic", "x"}});
    CHECK(del.message == "Not Found: subscription c x");
    Answer kicked = f.call("clients.kick", {{"clientid", "c"}});
    CHECK(kicked.data == Json{{"clientid", "c"}, {"result", "discarded"}});
    CHECK_FALSE(f.broker.registry.owner("c"));
}

// The owner is looked up on the control loop; the session may end or move
// before the command reaches that worker.
TEST_CASE("ctl registry: a per-client command never acts on a session that has gone", "[ctl][session_registry]") {
    Fixture f(2);
    f.onWorker(0, [](Worker& w) { w.shard().createSession("c"); });
    // Worker 0 is held, so the command is sent to it; queued ahead of the
    // command, the session ends there (and, in one section, starts on worker 1).
    Worker& w0 = *f.broker.workers[0];
    Worker& w1 = *f.broker.workers[1];
    auto busy = std::make_unique<Hold>(w0);
    bool moves = GENERATE(false, true);
    w0.post([&, moves] {
        w0.shard().endSession(*w0.shard().findSessionByClientId("c"));
        if (!moves) return;
        f.broker.registry.claim("c", 1);
        w1.post([&] { w1.shard().createSession("c"); });
    });
    std::optional<Answer> answer;
    ctl::CommandContext cx{f.broker, *f.control.inbox, f.hooks};
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
