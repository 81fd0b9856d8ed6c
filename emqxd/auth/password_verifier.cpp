#include "emqxd/auth/password_verifier.h"

#include <openssl/crypto.h>

#include <cassert>
#include <memory>

namespace emqx::auth {

struct PasswordVerifier::Job {
    uv_work_t req{};
    PasswordVerifier* owner;
    PasswordCheck check;
    Done done;
    bool ok = false;  // written by the pool thread, read after completion (libuv orders the two)
};

void PasswordVerifier::submit(PasswordCheck check, Done done) {
    auto* j = new Job{{}, this, std::move(check), std::move(done)};  // freed in afterWork
    j->req.data = j;
    jobs_.insert(j);
    [[maybe_unused]] int rc = uv_queue_work(loop_, &j->req, work, afterWork);
    assert(rc == 0);  // fails only without a work callback
}

void PasswordVerifier::cancelQueued() {
    for (Job* j : jobs_) uv_cancel(reinterpret_cast<uv_req_t*>(&j->req));  // fails harmlessly once started
}

void PasswordVerifier::work(uv_work_t* req) {
    auto* job = static_cast<Job*>(req->data);
    job->ok = job->check.run();
}

void PasswordVerifier::afterWork(uv_work_t* req, int status) {
    std::unique_ptr<Job> job(static_cast<Job*>(req->data));
    job->owner->jobs_.erase(job.get());
    OPENSSL_cleanse(job->check.password.data(), job->check.password.size());  // not left in freed memory
    if (status != UV_ECANCELED) job->done(job->ok);
}

}  // namespace emqx::auth
