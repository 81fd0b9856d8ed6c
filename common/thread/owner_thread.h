#pragma once
// The thread that owns what an event loop serves, and the check that nobody
// else touches it (STYLE.md practice 3; Envoy's Dispatcher::isThreadSafe() is
// the model). A worker's connections, channels, sessions and shard, and the
// control loop's ctl server and inbox, are touched only by the thread running
// that loop. Before the loop runs (the main thread builds the workers and
// restores sessions onto them) and after it ended (the main thread saves and
// frees them) no thread owns them, and any thread may touch them.
//
// EMQX_ASSERT_OWNER(owner) aborts with the function, file and line when
// another thread touches an owned object while its loop runs. It is live when
// NDEBUG is not defined (Debug builds: CI's sanitizer pass) and compiles to
// nothing otherwise, so a release build's per-message path has no check.
#include <atomic>
#include <thread>

namespace emqx {

class OwnerThread {
public:
    // On the loop's thread: as its loop starts, and once it has ended.
    void enter() { id_.store(std::this_thread::get_id()); }
    void leave() { id_.store(std::thread::id{}); }

    // The caller is the thread running the loop now.
    bool isCurrent() const { return id_.load() == std::this_thread::get_id(); }
    // The caller may touch what the loop owns: it runs the loop, or no loop runs.
    bool mayTouch() const {
        std::thread::id owner = id_.load();
        return owner == std::thread::id{} || owner == std::this_thread::get_id();
    }

private:
    std::atomic<std::thread::id> id_{};
};

// An object's link to its owner, for objects there are many of (one output
// buffer per connection): a pointer in builds with the checks, and an empty
// member (with [[no_unique_address]]) in release builds. Unbound: no owner, any
// thread. The link belongs to the object, not to its contents: assigning or
// swapping objects keeps each one's owner.
class OwnerRef {
public:
    OwnerRef() = default;
#ifndef NDEBUG
    OwnerRef(const OwnerRef& other) : owner_(other.owner_) {}
    OwnerRef& operator=(const OwnerRef&) { return *this; }
    void bind(const OwnerThread& owner) { owner_ = &owner; }
    bool mayTouch() const { return owner_ == nullptr || owner_->mayTouch(); }

private:
    const OwnerThread* owner_ = nullptr;
#else
    void bind(const OwnerThread&) {}
    bool mayTouch() const { return true; }
#endif
};

// Prints which function broke the owner rule and where, then aborts.
[[noreturn]] void ownerThreadViolation(const char* function, const char* file, int line);

}  // namespace emqx

#ifndef NDEBUG
#define EMQX_ASSERT_OWNER(owner)                                                                        \
    do {                                                                                                \
        if (!(owner).mayTouch()) ::emqx::ownerThreadViolation(__PRETTY_FUNCTION__, __FILE__, __LINE__); \
    } while (false)
#else
// Unevaluated: no code, but the expression still has to compile.
#define EMQX_ASSERT_OWNER(owner) static_cast<void>(sizeof((owner).mayTouch()))
#endif
