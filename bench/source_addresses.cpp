#include "bench/source_addresses.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>

namespace emqx::bench {

namespace {

bool parseIpv4(const std::string& text, uint32_t& host_order) {
    in_addr a{};
    if (::inet_pton(AF_INET, text.c_str(), &a) != 1) return false;
    host_order = ntohl(a.s_addr);
    return true;
}

sockaddr_storage ipv4(uint32_t host_order) {
    sockaddr_storage s{};
    auto* sa = reinterpret_cast<sockaddr_in*>(&s);
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(host_order);
    return s;
}

bool addItem(const std::string& item, std::vector<sockaddr_storage>& out, std::string& error) {
    uint32_t first = 0, last = 0;
    if (const size_t dash = item.find('-'); dash != std::string::npos) {
        if (!parseIpv4(item.substr(0, dash), first) || !parseIpv4(item.substr(dash + 1), last)) {
            error = "'" + item + "' is not an IPv4 range FIRST-LAST";
            return false;
        }
        if (last < first) {
            error = "'" + item + "': the range ends before it starts";
            return false;
        }
        if (last - first >= kMaxSourceAddresses - out.size()) {
            error = "more than " + std::to_string(kMaxSourceAddresses) + " addresses";
            return false;
        }
        for (uint64_t a = first; a <= last; ++a) out.push_back(ipv4(static_cast<uint32_t>(a)));
        return true;
    }
    if (out.size() == kMaxSourceAddresses) {
        error = "more than " + std::to_string(kMaxSourceAddresses) + " addresses";
        return false;
    }
    if (parseIpv4(item, first)) {
        out.push_back(ipv4(first));
        return true;
    }
    sockaddr_storage s{};
    auto* sa6 = reinterpret_cast<sockaddr_in6*>(&s);
    if (::inet_pton(AF_INET6, item.c_str(), &sa6->sin6_addr) == 1) {
        sa6->sin6_family = AF_INET6;
        out.push_back(s);
        return true;
    }
    error = "'" + item + "' is not an IP address (names and interfaces are not resolved)";
    return false;
}

}  // namespace

bool parseSourceAddresses(const std::string& spec, std::vector<sockaddr_storage>& out, std::string& error) {
    out.clear();
    size_t start = 0;
    for (;;) {
        const size_t comma = spec.find(',', start);
        const std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item.empty()) {
            error = "empty item in '" + spec + "'";
            return false;
        }
        if (!addItem(item, out, error)) return false;
        if (comma == std::string::npos) return true;
        start = comma + 1;
    }
}

std::string addressText(const sockaddr_storage& addr) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, buf, sizeof buf);
    } else {
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, buf, sizeof buf);
    }
    return buf;
}

}  // namespace emqx::bench
