#include "emqxd/authz/authz.h"

#include <fstream>
#include <sstream>

#include "common/net/peer_address.h"
#include "common/topic/topic.h"

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
        int line;
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

}  // namespace

bool Authorizer::loadText(const std::string& name, std::string_view text, std::string& error) {
    std::vector<acl::Rule> rules;
    acl::ParseError perr;
    if (!acl::parseAcl(text, rules, perr)) {
        error = name + ": " + perr.text();
        return false;
    }
    auto compiled = std::make_shared<Compiled>();
    for (const auto& r : rules) {
        Compiled::Rule cr{r.allow, r.action, r.all_topics, r.line, {}, {}};
        if (!compileWho(r.who, cr.who, error)) {
            error = name + ": " + error;
            return false;
        }
        for (const auto& t : r.topics) cr.topics.push_back({t.eq, !t.eq && hasPlaceholder(t.topic), t.topic});
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

std::string Decision::describe() const {
    std::string out;
    switch (by) {
        case By::Rule: out = "rule at line " + std::to_string(rule_line); break;
        case By::NoMatch: out = "no rule matched (authorization.no_match)"; break;
        case By::SysTopic: out = "$SYS is written by the broker (authorization.allow_sys_publish = false)"; break;
    }
    if (refused_template.outcome == TemplateOutcome::UnsafeValue) {
        char c = refused_template.offending;
        std::string shown = c == '\0' ? std::string("NUL") : "'" + std::string(1, c) + "'";
        out += "; rule at line " + std::to_string(refused_rule_line) + " skipped: the value of " +
               std::string(refused_template.placeholder) + " holds " + shown + " (authorization.topic_template_allow)";
    }
    return out;
}

bool Authorizer::superuserMay(Action action, std::string_view topic) const {
    return !(action == Action::Publish && emqx::topic::isSys(topic) && !cfg_.allow_sys_publish);
}

Decision Authorizer::decide(const ClientInfo& c, Action action, std::string_view topic) const {
    Decision d;
    if (action == Action::Publish && emqx::topic::isSys(topic) && !cfg_.allow_sys_publish) {
        d.by = Decision::By::SysTopic;
        return d;
    }
    topic = emqx::topic::realFilter(topic);
    auto rules = this->rules();
    if (rules) {
        acl::Cidr ip;
        bool have_ip = acl::parseCidr(net::peerHost(c.peer), ip);
        const TemplateValues values{c.username, c.clientid};
        const TemplatePolicy policy{cfg_.topic_template_allow_plus, cfg_.topic_template_allow_hash,
                                    cfg_.topic_template_allow_slash};
        std::string rendered;
        for (const auto& r : rules->rules) {
            if (r.action != acl::Action::All && (r.action == acl::Action::Publish) != (action == Action::Publish))
                continue;
            if (!whoMatches(r.who, c, have_ip ? &ip : nullptr)) continue;
            bool matched = r.all_topics;
            for (size_t i = 0; !matched && i < r.topics.size(); ++i) {
                const CompiledTopic& t = r.topics[i];
                if (t.eq) {
                    matched = topic == t.topic;
                    continue;
                }
                if (!t.has_placeholder) {
                    matched = topicMatches(topic, t.topic);
                    continue;
                }
                TemplateResult tr = renderTopicTemplate(t.topic, values, policy, rendered);
                if (tr.outcome == TemplateOutcome::Rendered) {
                    matched = topicMatches(topic, rendered);
                } else if (tr.outcome == TemplateOutcome::UnsafeValue &&
                           d.refused_template.outcome == TemplateOutcome::Rendered) {
                    d.refused_template = tr;
                    d.refused_rule_line = r.line;
                }
            }
            if (matched) {
                d.allow = r.allow;
                d.by = Decision::By::Rule;
                d.rule_line = r.line;
                return d;
            }
        }
    }
    d.allow = cfg_.no_match == "allow";
    return d;
}

}  // namespace emqx::authz
