#pragma once
// The ACL file in EMQX's Erlang-term syntax (etc/acl.conf), parsed into rules.
// Pure: no I/O, no globals (fuzzed by tests/fuzz/acl_fuzz.cpp). Evaluation is
// emqxd/authz/. Forms (docs/security.md):
//   {allow|deny, Who, publish|subscribe|all, [Topic...]}.   {allow|deny, Who}.
//   Who   = all | {user|username, "u"} | {username, {re, "^u"}} | {clientid, "c"}
//         | {clientid, {re, "c"}} | {ipaddr, "10.0.0.0/8"} | {ipaddrs, ["a", "b/16"]}
//         | {'and', [Who...]} | {'or', [Who...]}
//   Topic = "t/#" | "${username}/#" | "%u/#" | "${clientid}/#" | "%c/#" | {eq, "t/#"}
// Comments start with % and end with the line.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::acl {

struct Cidr {
    bool v6 = false;
    std::array<uint8_t, 16> addr{};  // v4 in the first 4 bytes
    unsigned prefix = 0;
    bool contains(const Cidr& ip) const;  // ip: a host address (prefix ignored)
};

// "10.0.0.0/8", "127.0.0.1", "::1", "fe80::/10"; false when not an address.
bool parseCidr(std::string_view text, Cidr& out);

struct Who {
    enum class Kind { All, Username, UsernameRe, ClientId, ClientIdRe, IpAddr, And, Or };
    Kind kind = Kind::All;
    std::string value;          // Username / ClientId: the name; *Re: the regex
    std::vector<Cidr> ips;      // IpAddr: one or more (ipaddrs)
    std::vector<Who> children;  // And / Or
    int line = 0;               // where it starts (a bad regex is reported there)
    int column = 0;
};

enum class Action { Publish, Subscribe, All };

struct TopicPattern {
    bool eq = false;    // {eq, "t"}: the filter itself, no wildcard matching, no placeholders
    std::string topic;  // may hold ${username}, ${clientid}, %u, %c
};

struct Rule {
    bool allow = false;
    Who who;
    Action action = Action::All;
    bool all_topics = false;  // the 2-tuple form {allow|deny, Who}
    std::vector<TopicPattern> topics;
    int line = 0;
};

struct ParseError {
    int line = 0;
    int column = 0;
    std::string message;
    std::string text() const;  // "line 3, column 7: expected ..."
};

// Parses a whole file. On failure returns false and fills `error` (the first
// problem, with its 1-based line and column).
bool parseAcl(std::string_view text, std::vector<Rule>& rules, ParseError& error);

}  // namespace emqx::acl
