#pragma once
// --ifaddr: the local addresses emqx-bench binds its connections to, so that
// more connections than one address's ephemeral ports can reach one broker
// port. emqtt_bench's syntax, a comma-separated list of IP literals ("local
// ipaddress or interface address"), plus IPv4 ranges FIRST-LAST as list
// items ("127.0.0.1-127.0.0.40"). As in emqtt_bench, client k (0-based in
// the run) binds to address k mod the list's length.
#include <sys/socket.h>

#include <string>
#include <vector>

namespace emqx::bench {

constexpr size_t kMaxSourceAddresses = 4096;

// Parses `spec` into `out` (port 0, in list order, ranges expanded). False
// with `error` set on an item that is not an IP literal or a valid IPv4
// range, or past kMaxSourceAddresses addresses.
bool parseSourceAddresses(const std::string& spec, std::vector<sockaddr_storage>& out, std::string& error);

// "127.0.0.3" / "::1": an address of the list, for messages.
std::string addressText(const sockaddr_storage& addr);

}  // namespace emqx::bench
