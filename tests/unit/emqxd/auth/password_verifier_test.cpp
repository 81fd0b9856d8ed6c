// Slow password checks run on libuv's threadpool; results come back on the
// loop's thread; checks not started are dropped by cancelQueued().
#include <catch2/catch.hpp>

#include <uv.h>

#include <thread>
#include <vector>

#include "emqxd/auth/password_verifier.h"

using namespace emqx::auth;

namespace {

PasswordCheck bcryptCheck(const std::string& stored_for, const std::string& given) {
    HashAlgorithm a;
    a.name = "bcrypt";
    a.salt_rounds = 4;
    return PasswordCheck{a, given, makeHash(a, stored_for)};
}

struct Loop {
    uv_loop_t loop{};
    Loop() { uv_loop_init(&loop); }
    ~Loop() { uv_loop_close(&loop); }
};

}  // namespace

TEST_CASE("password verifier: results come back on the loop thread", "[auth][verifier]") {
    Loop l;
    PasswordVerifier v(&l.loop);
    std::vector<std::pair<int, bool>> results;
    const auto loop_thread = std::this_thread::get_id();
    for (int i = 0; i < 3; ++i) {
        v.submit(bcryptCheck("pw", i == 1 ? "wrong" : "pw"), [&, i](bool ok) {
            CHECK(std::this_thread::get_id() == loop_thread);
            results.emplace_back(i, ok);
        });
    }
    CHECK(results.empty());           // nothing is decided inline
    uv_run(&l.loop, UV_RUN_DEFAULT);  // returns once every completion ran
    REQUIRE(results.size() == 3);
    for (auto [i, ok] : results) CHECK(ok == (i != 1));
}

TEST_CASE("password verifier: cancelQueued drops the checks not started", "[auth][verifier]") {
    Loop l;
    PasswordVerifier v(&l.loop);
    HashAlgorithm a;
    a.name = "pbkdf2";
    a.iterations = 200000;
    const int n = 64;  // far more than libuv's threadpool runs at once
    int done = 0;
    const StoredHash stored = makeHash(a, "pw");  // once: submitting must be quicker than the pool
    for (int i = 0; i < n; ++i) v.submit(PasswordCheck{a, "pw", stored}, [&](bool) { ++done; });
    v.cancelQueued();
    uv_run(&l.loop, UV_RUN_DEFAULT);
    CHECK(done < n);
}
