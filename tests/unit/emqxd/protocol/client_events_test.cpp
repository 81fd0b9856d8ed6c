// The $SYS disconnected event's reason: EMQX 5's words.
#include <catch2/catch.hpp>

#include "emqxd/protocol/client_events.h"

using namespace emqx;

TEST_CASE("client events: a socket closed without DISCONNECT is tcp_closed", "[core][sys]") {
    CHECK(disconnectedEventReason(ShutdownReason::Closed) == "tcp_closed");
    CHECK(shutdownReasonName(ShutdownReason::Closed) == "closed");  // shutdown_count keeps the FAQ's word
    CHECK(disconnectedEventReason(ShutdownReason::Normal) == "normal");
    CHECK(disconnectedEventReason(ShutdownReason::KeepaliveTimeout) == "keepalive_timeout");
    CHECK(disconnectedEventReason(ShutdownReason::Takenover) == "takenover");
    CHECK(disconnectedEventReason(ShutdownReason::SslClosed) == "ssl_closed");
}
