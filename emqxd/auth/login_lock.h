#pragma once
// Failed dashboard logins, counted per source address: after max_attempts
// failures within `interval` the address is locked out for `lock_duration`
// (EMQX 6's dashboard.unsuccessful_login_* keys and answer, LOGIN_LOCKED;
// EMQX counts per username, which lets anyone lock the admin out: emqxd
// counts per address). A success clears the address's failures. Owner: the
// control loop.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

namespace emqx::auth {

class LoginLock {
public:
    // Addresses tracked at most; past it, addresses with nothing recent are
    // forgotten first (and, should all be recent, the oldest).
    static constexpr size_t kMaxAddresses = 65536;

    LoginLock(unsigned max_attempts, int64_t interval_ms, int64_t lock_duration_ms);

    struct Refusal {
        int64_t retry_after_ms;  // until the lock ends
        uint64_t refused;        // logins refused since it began, this one included
    };
    // When `address` is locked: the refusal of this attempt (counted).
    std::optional<Refusal> refuse(const std::string& address, int64_t now_ms);

    // A failed login from `address`; true when this failure locked it.
    bool failed(const std::string& address, int64_t now_ms);
    void succeeded(const std::string& address);

    size_t tracked() const { return by_address_.size(); }

private:
    struct Record {
        std::deque<int64_t> failures;  // times within the interval, oldest first
        int64_t locked_until_ms = 0;
        uint64_t refused = 0;
    };
    void makeRoom(int64_t now_ms);

    unsigned max_attempts_;
    int64_t interval_ms_;
    int64_t lock_duration_ms_;
    std::unordered_map<std::string, Record> by_address_;
};

}  // namespace emqx::auth
