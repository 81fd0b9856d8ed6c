// The per-socket output buffer: small payloads copied, large ones referenced.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "emqxd/protocol/output_buffer.h"

using namespace emqx;

namespace {

MessagePtr payloadMsg(std::string payload) {
    auto m = Message::make("t", payload);
    return m;
}

std::string concat(OutputBuffer& b) {
    std::string out;
    for (const uv_buf_t& buf : b.buffers()) out.append(buf.base, buf.len);
    return out;
}

}  // namespace

TEST_CASE("output buffer: empty", "[core][output_buffer]") {
    OutputBuffer b;
    CHECK(b.empty());
    CHECK(b.size() == 0);
    CHECK(b.buffers().empty());
    b.append("");  // nothing
    CHECK(b.empty());
    CHECK(b.buffers().empty());
}

TEST_CASE("output buffer: small appends share one arena segment", "[core][output_buffer]") {
    OutputBuffer b;
    b.append("\x30\x05");
    auto small = payloadMsg(std::string(OutputBuffer::kInlinePayload, 's'));  // exactly the limit: inline
    b.appendPayload(small);
    b.append("tail");
    CHECK(b.size() == 2 + OutputBuffer::kInlinePayload + 4);
    CHECK_FALSE(b.empty());
    CHECK(b.buffers().size() == 1);
    CHECK(small.use_count() == 1);  // copied, not referenced
    CHECK(concat(b) == std::string("\x30\x05") + std::string(OutputBuffer::kInlinePayload, 's') + "tail");
}

TEST_CASE("output buffer: large payloads are referenced, not copied", "[core][output_buffer]") {
    OutputBuffer b;
    auto large = payloadMsg(std::string(OutputBuffer::kInlinePayload + 1, 'L'));
    b.append("head");
    b.appendPayload(large);
    b.append("mid");
    auto large2 = payloadMsg(std::string(4096, 'M'));
    b.appendPayload(large2);
    b.appendPayload(payloadMsg("tiny"));
    b.append("end");

    CHECK(large.use_count() == 2);  // held until the write completes
    CHECK(large2.use_count() == 2);
    const auto& bufs = b.buffers();
    REQUIRE(bufs.size() == 5);  // head | large | mid | large2 | tiny+end
    CHECK(bufs[1].base == large->payload.data());
    CHECK(bufs[1].len == large->payload.size());
    CHECK(bufs[3].base == large2->payload.data());
    CHECK(bufs[3].len == 4096);

    const std::string expected =
        "head" + std::string(large->payload) + "mid" + std::string(large2->payload) + "tiny" + "end";
    CHECK(b.size() == expected.size());
    CHECK(concat(b) == expected);
    CHECK(concat(b) == expected);  // buffers() can be taken again
}

TEST_CASE("output buffer: concatenation survives arena growth", "[core][output_buffer]") {
    OutputBuffer b;
    std::string expected;
    for (int i = 0; i < 2000; ++i) {
        std::string piece = std::to_string(i) + ",";
        b.append(piece);
        expected += piece;
        if (i % 100 == 0) {
            auto m = payloadMsg(std::string(1000 + i, static_cast<char>('a' + i % 26)));
            b.appendPayload(m);
            expected += m->payload;
        }
    }
    CHECK(b.size() == expected.size());
    CHECK(concat(b) == expected);
}

TEST_CASE("output buffer: clear releases references and resets", "[core][output_buffer]") {
    OutputBuffer b;
    auto large = payloadMsg(std::string(2000, 'x'));
    b.append("abc");
    b.appendPayload(large);
    REQUIRE(large.use_count() == 2);

    b.clear();
    CHECK(b.empty());
    CHECK(b.size() == 0);
    CHECK(large.use_count() == 1);
    CHECK(b.buffers().empty());

    b.append("again");
    CHECK(b.buffers().size() == 1);
    CHECK(concat(b) == "again");
    CHECK(b.size() == 5);
}

TEST_CASE("output buffer: shrink only when empty", "[core][output_buffer]") {
    OutputBuffer b;
    auto large = payloadMsg(std::string(1000, 'y'));
    b.append(std::string(10000, 'z'));
    b.appendPayload(large);
    b.shrink();  // not empty: keeps everything
    CHECK(b.size() == 11000);
    CHECK(large.use_count() == 2);
    CHECK(concat(b) == std::string(10000, 'z') + std::string(large->payload));

    b.clear();
    b.shrink();
    CHECK(b.empty());
    CHECK(b.buffers().empty());
    b.append("after");
    CHECK(concat(b) == "after");
}
