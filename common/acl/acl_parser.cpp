#include "common/acl/acl_parser.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>

namespace emqx::acl {

namespace {

constexpr int kMaxDepth = 64;

struct Term {
    enum class Kind { Atom, String, Int, Tuple, List };
    Kind kind = Kind::Atom;
    std::string text;  // atom name, string contents, integer digits
    std::vector<Term> items;
    int line = 0;
    int column = 0;
};

class Parser {
public:
    Parser(std::string_view text, ParseError& err) : s_(text), err_(err) {}

    bool file(std::vector<Rule>& rules) {
        while (true) {
            skipSpace();
            if (pos_ >= s_.size()) return true;
            Term t;
            if (!term(t, 0)) return false;
            skipSpace();
            if (pos_ >= s_.size() || s_[pos_] != '.') return fail(line_, col_, "expected '.' after the rule");
            advance();
            Rule r;
            if (!rule(t, r)) return false;
            rules.push_back(std::move(r));
        }
    }

private:
    bool fail(int line, int column, std::string msg) {
        err_.line = line;
        err_.column = column;
        err_.message = std::move(msg);
        return false;
    }
    bool failAt(const Term& t, std::string msg) { return fail(t.line, t.column, std::move(msg)); }

    void advance() {
        if (s_[pos_] == '\n') {
            ++line_;
            col_ = 1;
        } else {
            ++col_;
        }
        ++pos_;
    }

    void skipSpace() {
        while (pos_ < s_.size()) {
            char c = s_[pos_];
            if (c == '%') {
                while (pos_ < s_.size() && s_[pos_] != '\n') advance();
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                advance();
            } else {
                return;
            }
        }
    }

    static bool isAtomChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '@';
    }

    bool quoted(char quote, std::string& out) {
        int l = line_, c = col_;
        advance();  // the opening quote
        while (true) {
            if (pos_ >= s_.size())
                return fail(l, c, std::string("unterminated ") + (quote == '"' ? "string" : "quoted atom"));
            char ch = s_[pos_];
            if (ch == quote) {
                advance();
                return true;
            }
            if (ch == '\\') {
                advance();
                if (pos_ >= s_.size()) continue;
                char e = s_[pos_];
                switch (e) {
                    case 'n': out.push_back('\n'); break;
                    case 't': out.push_back('\t'); break;
                    case 'r': out.push_back('\r'); break;
                    case 's': out.push_back(' '); break;
                    default: out.push_back(e); break;  // \" \\ \' and the rest literally
                }
                advance();
                continue;
            }
            out.push_back(ch);
            advance();
        }
    }

    bool seq(Term& t, char close, int depth) {
        advance();  // the opening bracket
        skipSpace();
        if (pos_ < s_.size() && s_[pos_] == close) {
            advance();
            return true;
        }
        while (true) {
            Term item;
            if (!term(item, depth + 1)) return false;
            t.items.push_back(std::move(item));
            skipSpace();
            if (pos_ >= s_.size())
                return fail(line_, col_, std::string("expected ',' or '") + close + "' before the end of the file");
            char c = s_[pos_];
            if (c == ',') {
                advance();
                continue;
            }
            if (c == close) {
                advance();
                return true;
            }
            return fail(line_, col_, std::string("expected ',' or '") + close + "', got '" + c + "'");
        }
    }

    bool term(Term& t, int depth) {
        skipSpace();
        t.line = line_;
        t.column = col_;
        if (depth > kMaxDepth) return fail(line_, col_, "terms nested too deeply");
        if (pos_ >= s_.size()) return fail(line_, col_, "unexpected end of file");
        char c = s_[pos_];
        if (c == '{') {
            t.kind = Term::Kind::Tuple;
            return seq(t, '}', depth);
        }
        if (c == '[') {
            t.kind = Term::Kind::List;
            return seq(t, ']', depth);
        }
        if (c == '"') {
            t.kind = Term::Kind::String;
            return quoted('"', t.text);
        }
        if (c == '\'') {
            t.kind = Term::Kind::Atom;
            return quoted('\'', t.text);
        }
        if (c >= 'a' && c <= 'z') {
            t.kind = Term::Kind::Atom;
            while (pos_ < s_.size() && isAtomChar(s_[pos_])) {
                t.text.push_back(s_[pos_]);
                advance();
            }
            return true;
        }
        if (c >= '0' && c <= '9') {
            t.kind = Term::Kind::Int;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
                t.text.push_back(s_[pos_]);
                advance();
            }
            return true;
        }
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return fail(line_, col_, "unexpected character");
        return fail(line_, col_, std::string("unexpected '") + c + "'");
    }

    static bool isAtom(const Term& t, std::string_view name) { return t.kind == Term::Kind::Atom && t.text == name; }

    bool stringArg(const Term& t, std::string& out, const char* what) {
        if (t.kind != Term::Kind::String) return failAt(t, std::string("expected a string (") + what + ")");
        out = t.text;
        return true;
    }

    bool ip(const Term& t, std::vector<Cidr>& out) {
        if (t.kind != Term::Kind::String) return failAt(t, "expected an IP address or CIDR string");
        Cidr c;
        if (!parseCidr(t.text, c)) return failAt(t, "invalid IP address or CIDR \"" + t.text + "\"");
        out.push_back(c);
        return true;
    }

    bool who(const Term& t, Who& w, int depth) {
        w.line = t.line;
        w.column = t.column;
        if (depth > kMaxDepth) return failAt(t, "terms nested too deeply");
        if (isAtom(t, "all")) {
            w.kind = Who::Kind::All;
            return true;
        }
        if (t.kind != Term::Kind::Tuple || t.items.size() != 2 || t.items[0].kind != Term::Kind::Atom)
            return failAt(t,
                          "expected all, {username, ...}, {clientid, ...}, {ipaddr, ...}, {ipaddrs, [...]}, {'and', "
                          "[...]} or {'or', [...]}");
        const std::string& key = t.items[0].text;
        const Term& v = t.items[1];
        if (key == "user" || key == "username" || key == "clientid" || key == "client") {
            bool user = key == "user" || key == "username";
            if (v.kind == Term::Kind::Tuple) {
                if (v.items.size() != 2 || !isAtom(v.items[0], "re")) return failAt(v, "expected {re, \"regex\"}");
                w.kind = user ? Who::Kind::UsernameRe : Who::Kind::ClientIdRe;
                return stringArg(v.items[1], w.value, "a regular expression");
            }
            w.kind = user ? Who::Kind::Username : Who::Kind::ClientId;
            return stringArg(v, w.value, user ? "a username" : "a client id");
        }
        if (key == "ipaddr") {
            w.kind = Who::Kind::IpAddr;
            return ip(v, w.ips);
        }
        if (key == "ipaddrs") {
            w.kind = Who::Kind::IpAddr;
            if (v.kind != Term::Kind::List) return failAt(v, "expected a list of IP addresses");
            for (const Term& i : v.items)
                if (!ip(i, w.ips)) return false;
            return true;
        }
        if (key == "and" || key == "or") {
            w.kind = key == "and" ? Who::Kind::And : Who::Kind::Or;
            if (v.kind != Term::Kind::List) return failAt(v, "expected a list of conditions");
            for (const Term& i : v.items) {
                Who c;
                if (!who(i, c, depth + 1)) return false;
                w.children.push_back(std::move(c));
            }
            return true;
        }
        return failAt(t.items[0], "unknown condition '" + key + "'");
    }

    bool rule(const Term& t, Rule& r) {
        r.line = t.line;
        if (t.kind != Term::Kind::Tuple || (t.items.size() != 2 && t.items.size() != 4))
            return failAt(t, "expected a rule {allow|deny, Who, Action, Topics} or {allow|deny, Who}");
        const Term& perm = t.items[0];
        if (isAtom(perm, "allow")) r.allow = true;
        else if (isAtom(perm, "deny")) r.allow = false;
        else return failAt(perm, "expected allow or deny");
        if (!who(t.items[1], r.who, 0)) return false;
        if (t.items.size() == 2) {
            r.all_topics = true;
            return true;
        }
        const Term& act = t.items[2];
        if (isAtom(act, "publish")) r.action = Action::Publish;
        else if (isAtom(act, "subscribe")) r.action = Action::Subscribe;
        else if (isAtom(act, "all") || isAtom(act, "pubsub")) r.action = Action::All;
        else return failAt(act, "expected publish, subscribe or all");
        const Term& topics = t.items[3];
        if (topics.kind != Term::Kind::List) return failAt(topics, "expected a list of topics");
        for (const Term& tp : topics.items) {
            TopicPattern p;
            if (tp.kind == Term::Kind::Tuple) {
                if (tp.items.size() != 2 || !isAtom(tp.items[0], "eq")) return failAt(tp, "expected {eq, \"topic\"}");
                p.eq = true;
                if (!stringArg(tp.items[1], p.topic, "a topic")) return false;
            } else if (!stringArg(tp, p.topic, "a topic")) {
                return false;
            }
            if (p.topic.empty()) return failAt(tp, "empty topic");
            r.topics.push_back(std::move(p));
        }
        return true;
    }

    std::string_view s_;
    ParseError& err_;
    size_t pos_ = 0;
    int line_ = 1;
    int col_ = 1;
};

}  // namespace

bool Cidr::contains(const Cidr& ip) const {
    if (ip.v6 != v6) return false;
    unsigned full = prefix / 8, rest = prefix % 8;
    if (std::memcmp(addr.data(), ip.addr.data(), full) != 0) return false;
    if (rest == 0) return true;
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (addr[full] & mask) == (ip.addr[full] & mask);
}

bool parseCidr(std::string_view text, Cidr& out) {
    std::string host(text);
    int prefix = -1;
    if (auto slash = host.find('/'); slash != std::string::npos) {
        std::string p = host.substr(slash + 1);
        host.resize(slash);
        if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos) return false;
        prefix = std::stoi(p);
    }
    out = Cidr{};
    if (inet_pton(AF_INET, host.c_str(), out.addr.data()) == 1) {
        out.v6 = false;
        if (prefix > 32) return false;
        out.prefix = prefix < 0 ? 32 : static_cast<unsigned>(prefix);
        return true;
    }
    if (inet_pton(AF_INET6, host.c_str(), out.addr.data()) == 1) {
        out.v6 = true;
        if (prefix > 128) return false;
        out.prefix = prefix < 0 ? 128 : static_cast<unsigned>(prefix);
        return true;
    }
    return false;
}

std::string ParseError::text() const {
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

bool parseAcl(std::string_view text, std::vector<Rule>& rules, ParseError& error) {
    rules.clear();
    Parser p(text, error);
    if (!p.file(rules)) {
        rules.clear();
        return false;
    }
    return true;
}

}  // namespace emqx::acl
