#pragma once
// The one reader of peer address strings ("1.2.3.4:5", "[::1]:5"), as
// connections record them and X-Forwarded-For may rewrite them. A bare
// address ("1.2.3.4", "::1") has no port: an IPv6 address is never cut at
// its last colon.
#include <string>
#include <string_view>

namespace emqx::net {

// "1.2.3.4:5" -> "1.2.3.4", "[::1]:5" -> "::1", "::1" -> "::1".
std::string_view peerHost(std::string_view peer);
// "1.2.3.4:5" -> "5", "[::1]:5" -> "5", "::1" and "1.2.3.4" -> "".
std::string_view peerPort(std::string_view peer);
// The inverse: ("::1", "5") -> "[::1]:5", ("1.2.3.4", "") -> "1.2.3.4".
// A host already in brackets is kept as it is.
std::string joinPeer(std::string_view host, std::string_view port);

}  // namespace emqx::net
