#include "emqxd/authz/authz.h"

#include <fstream>
#include <sstream>

namespace emqx::authz {

namespace {

struct CompiledWho {
    acl::Who who;
    std::unique_ptr<std::regex> re;
    std::vector<CompiledWho> children;
};

struct CompiledTopic {
    bool eq = false;
    bool has_placeholder = false;
    std::string topic;
};

}  // namespace

struct Authorizer::Compiled {
    struct Rule {
        bool allow;
        acl::Action action;
        bool all_topics;
        CompiledWho who;
        std::vector<CompiledTopic> topics;
    };
    std::vector<Rule> rules;
};

namespace {

bool compileWho(const acl::Who& w, CompiledWho& out, std::string& error) {
    out.who = w;
    out.who.children.clear();
    if (w.kind == acl::Who::Kind::UsernameRe || w.kind == acl::Who::Kind::ClientIdRe) {
        try {
            out.re = std::make_unique<std::regex>(w.value, std::regex::ECMAScript);
        } catch (const std::regex_error&) {
            error = "line " + std::to_string(w.line) + ", column " + std::to_string(w.column) +
                    ": invalid regular expression \"" + w.value + "\"";
            return false;
        }
    }
    for (const auto& c : w.children) {
        CompiledWho cc;
        if (!compileWho(c, cc, error)) return false;
        out.children.push_back(std::move(cc));
    }
    return true;
}

bool whoMatches(const CompiledWho& w, const ClientInfo& c, const acl::Cidr* ip) {
    using K = acl::Who::Kind;
    switch (w.who.kind) {
        case K::All: return true;
        case K::Username: return !c.username.empty() && c.username == w.who.value;
        case K::ClientId: return c.clientid == w.who.value;
        case K::UsernameRe:
            return !c.username.empty() && std::regex_search(c.username.begin(), c.username.end(), *w.re);
        case K::ClientIdRe: return std::regex_search(c.clientid.begin(), c.clientid.end(), *w.re);
        case K::IpAddr:
            if (!ip) return false;
            for (const auto& net : w.who.ips)
                if (net.contains(*ip)) return true;
            return false;
        case K::And:
            for (const auto& ch : w.children)
                if (!whoMatches(ch, c, ip)) return false;
            return true;
        case K::Or:
            for (const auto& ch : w.children)
                if (whoMatches(ch, c, ip)) return true;
            return false;
    }
    return false;
}

std::vector<std::string_view> words(std::string_view t) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        size_t slash = t.find('/', start);
        out.push_back(t.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos) return out;
        start = slash + 1;
    }
}

// EMQX's emqx_topic:match/2 with the requested topic's words taken literally
// (a subscribed "a/+" is matched by rule "a/+" and "a/#", not by "a/b").
bool topicMatches(std::string_view topic, std::string_view filter) {
    auto t = words(topic);
    auto f = words(filter);
    if (!t.empty() && !t[0].empty() && t[0][0] == '$' && (f[0] == "#" || f[0] == "+")) return false;
    size_t i = 0;
    for (; i < f.size(); ++i) {
        if (f[i] == "#") return true;
        if (i >= t.size()) return false;
        if (f[i] == "+") continue;
        if (f[i] != t[i]) return false;
    }
    return i == t.size();
}

bool fill(std::string& s, std::string_view ph, std::string_view value) {
    for (size_t pos; (pos = s.find(ph)) != std::string::npos;) {
        if (value.empty()) return false;  // an undefined username/clientid matches nothing
        s.replace(pos, ph.size(), value);
    }
    return true;
}

}  // namespace

std::string peerHost(std::string_view peer) {
    if (!peer.empty() && peer.front() == '[') {
        auto close = peer.find(']');
        return std::string(peer.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    }
    auto colon = peer.rfind(':');
    if (colon != std::string_view::npos && peer.find(':') == colon) return std::string(peer.substr(0, colon));
    return std::string(peer);
}

bool Authorizer::loadText(const std::string& name, std::string_view text, std::string& error) {
    std::vector<acl::Rule> rules;
    acl::ParseError perr;
    if (!acl::parseAcl(text, rules, perr)) {
        error = name + ": " + perr.text();
        return false;
    }
    auto compiled = std::make_shared<Compiled>();
    for (const auto& r : rules) {
        Compiled::Rule cr{r.allow, r.action, r.all_topics, {}, {}};
        if (!compileWho(r.who, cr.who, error)) {
            error = name + ": " + error;
            return false;
        }
        for (const auto& t : r.topics)
            cr.topics.push_back({t.eq, !t.eq && (t.topic.find("${") != std::string::npos || t.topic.find('%') != std::string::npos),
                                 t.topic});
        compiled->rules.push_back(std::move(cr));
    }
    {
        std::lock_guard lock(mutex_);
        rules_ = std::move(compiled);
    }
    invalidateCaches();
    return true;
}

bool Authorizer::reload(std::string& error) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& s : cfg_.sources) {
        if (!s.enable || s.type != "file") continue;
        std::ifstream in(s.path);
        if (!in) {
            error = s.path + ": cannot read";
            return false;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        files.emplace_back(s.path, ss.str());
    }
    // Parse each file on its own (errors name it and its own lines), then swap all at once.
    auto merged = std::make_shared<Compiled>();
    for (auto& [path, text] : files) {
        Authorizer one(cfg_);
        if (!one.loadText(path, text, error)) return false;
        auto r = one.rules();
        for (auto& rule : const_cast<Compiled&>(*r).rules) merged->rules.push_back(std::move(rule));
    }
    {
        std::lock_guard lock(mutex_);
        rules_ = std::move(merged);
    }
    invalidateCaches();
    return true;
}

std::shared_ptr<const Authorizer::Compiled> Authorizer::rules() const {
    std::lock_guard lock(mutex_);
    return rules_;
}

size_t Authorizer::ruleCount() const {
    auto r = rules();
    return r ? r->rules.size() : 0;
}

bool Authorizer::check(const ClientInfo& c, Action action, std::string_view topic) const {
    if (topic.starts_with("$share/")) {
        auto slash = topic.find('/', 7);
        if (slash != std::string_view::npos) topic = topic.substr(slash + 1);
    } else if (topic.starts_with("$queue/")) {
        topic = topic.substr(7);
    }
    auto rules = this->rules();
    if (rules) {
        acl::Cidr ip;
        bool have_ip = acl::parseCidr(peerHost(c.peer), ip);
        std::string scratch;
        for (const auto& r : rules->rules) {
            if (r.action != acl::Action::All &&
                (r.action == acl::Action::Publish) != (action == Action::Publish))
                continue;
            if (!whoMatches(r.who, c, have_ip ? &ip : nullptr)) continue;
            if (r.all_topics) return r.allow;
            for (const auto& t : r.topics) {
                if (t.eq) {
                    if (topic == t.topic) return r.allow;
                    continue;
                }
                std::string_view filter = t.topic;
                if (t.has_placeholder) {
                    scratch = t.topic;
                    if (!fill(scratch, "${username}", c.username) || !fill(scratch, "%u", c.username) ||
                        !fill(scratch, "${clientid}", c.clientid) || !fill(scratch, "%c", c.clientid))
                        continue;
                    filter = scratch;
                }
                if (topicMatches(topic, filter)) return r.allow;
            }
        }
    }
    return cfg_.no_match == "allow";
}

}  // namespace emqx::authz
