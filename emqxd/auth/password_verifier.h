#pragma once
// Runs slow password checks (bcrypt, pbkdf2) for one worker on libuv's
// threadpool (uv_queue_work) and hands each result back on that worker's loop
// thread, so a high bcrypt cost never stalls the worker's other clients.
// The completion is told only the result: it must look its connection up by
// id, since the connection may have closed meanwhile (docs/architecture.md).
// Owner: the worker thread of `loop`; only run() of each check leaves it.
#include <uv.h>

#include <functional>
#include <unordered_set>

#include "emqxd/auth/security.h"

namespace emqx::auth {

class PasswordVerifier {
public:
    using Done = std::function<void(bool ok)>;

    explicit PasswordVerifier(uv_loop_t* loop) : loop_(loop) {}
    PasswordVerifier(const PasswordVerifier&) = delete;
    PasswordVerifier& operator=(const PasswordVerifier&) = delete;

    // `done(ok)` runs later on the loop thread, unless cancelled.
    void submit(PasswordCheck check, Done done);
    // At stop: checks that have not started are dropped (their `done` never
    // runs); running ones finish and complete as usual.
    void cancelQueued();
    // A worker's verifier (WorkerRuntime::local) is told its worker stops.
    void onWorkerStop() { cancelQueued(); }

private:
    struct Job;
    static void work(uv_work_t* req);
    static void afterWork(uv_work_t* req, int status);

    uv_loop_t* loop_;
    std::unordered_set<Job*> jobs_;  // submitted, not completed
};

}  // namespace emqx::auth
