// The worker's pools of output buffers and write requests: an idle connection
// holds neither, a busy one reuses a buffer instead of growing a new one.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "emqxd/net/write_request.h"

using namespace emqx;

namespace {

MessagePtr largeMessage() { return Message::make("t", std::string(OutputBuffer::kInlinePayload + 1, 'L')); }

}  // namespace

TEST_CASE("output buffer pool: a released buffer is reused, emptied and without message references",
          "[core][write_request]") {
    OwnerThread owner;
    OutputBufferPool pool(owner);
    std::unique_ptr<OutputBuffer> b = pool.acquire();
    REQUIRE(b);
    MessagePtr msg = largeMessage();
    b->append("header");
    b->appendPayload(msg);
    CHECK(msg.use_count() == 2);
    OutputBuffer* first = b.get();
    pool.release(std::move(b));
    CHECK(msg.use_count() == 1);  // a pooled buffer keeps no message alive
    std::unique_ptr<OutputBuffer> again = pool.acquire();
    CHECK(again.get() == first);
    CHECK(again->empty());
    CHECK(again->capacity() > 0);  // a small burst's capacity is kept for the next user
    CHECK(pool.acquire().get() != first);
}

TEST_CASE("output buffer pool: a large burst's capacity is freed before pooling", "[core][write_request]") {
    OwnerThread owner;
    OutputBufferPool pool(owner);
    std::unique_ptr<OutputBuffer> b = pool.acquire();
    b->append(std::string(64 * 1024, 'x'));
    pool.release(std::move(b));
    CHECK(pool.acquire()->capacity() < 64);  // what an empty arena string holds inline
}

TEST_CASE("write request pool: a request's buffer goes back to the buffer pool", "[core][write_request]") {
    OwnerThread owner;
    OutputBufferPool buffers(owner);
    WriteRequestPool requests(buffers);
    WriteRequest* w = requests.acquire();
    w->plain = buffers.acquire();
    w->plain->append("bytes");
    OutputBuffer* plain = w->plain.get();
    requests.release(w);
    std::unique_ptr<OutputBuffer> reused = buffers.acquire();
    CHECK(reused.get() == plain);
    CHECK(reused->empty());
    WriteRequest* again = requests.acquire();
    CHECK(again == w);
    CHECK(!again->plain);
    requests.release(again);
}

TEST_CASE("partial packet pool: a buffer comes back empty, a large one without its capacity", "[core][write_request]") {
    PartialPacketPool pool;
    std::unique_ptr<std::string> s = pool.acquire();
    s->assign(100, 'p');
    std::string* first = s.get();
    pool.release(std::move(s));
    std::unique_ptr<std::string> again = pool.acquire();
    CHECK(again.get() == first);
    CHECK(again->empty());
    CHECK(again->capacity() >= 100);
    again->assign(64 * 1024, 'p');
    pool.release(std::move(again));
    CHECK(pool.acquire()->capacity() < 64);
}
