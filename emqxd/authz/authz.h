#pragma once
// Authorization: the rules of the ACL file sources (common/acl/ parses them),
// evaluated first match wins, `no_match` when none does. Before any rule, a
// client's publish to $SYS/# is denied unless authorization.allow_sys_publish. Rules are swapped
// whole by reload() (emqxctl acl reload): a bad file leaves the old rules.
// Each connection keeps a small cache of results (authz::Cache); reload and
// `authz cache-clean all` bump a generation that invalidates every cache.
// Any thread may call check().
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/acl/acl_parser.h"
#include "common/config/broker_config.h"
#include "emqxd/authz/authz_cache.h"
#include "emqxd/authz/topic_template.h"

namespace emqx::authz {

struct ClientInfo {
    std::string_view clientid;
    std::string_view username;
    std::string_view peer;  // "1.2.3.4:5678" or "[::1]:5678"
};

// Why a request was allowed or denied, for traces and logs.
struct Decision {
    enum class By { Rule, NoMatch, SysTopic };
    bool allow = false;
    By by = By::NoMatch;
    int rule_line = 0;  // By::Rule: the rule's line in its file
    // The first rule skipped because a placeholder's value was refused
    // (topic_template.h), if any: traces say so, since that skip may be what denied.
    TemplateResult refused_template;
    int refused_rule_line = 0;

    std::string describe() const;  // "rule at line 3", "no_match", "$SYS is written by the broker", + the refusal
};

class Authorizer {
public:
    explicit Authorizer(const config::AuthorizationConfig& cfg) : cfg_(cfg) {}

    // Reads every enabled file source; on success swaps the rules in.
    // On failure `error` names the file, line and column; the old rules stay.
    bool reload(std::string& error);
    // Parses `text` as the rules of `name` (tests, and reload's work).
    bool loadText(const std::string& name, std::string_view text, std::string& error);

    // The decision and what made it. `topic` is a topic name (publish) or a
    // filter (subscribe; $share/<group>/ and $queue/ are stripped here).
    Decision decide(const ClientInfo& who, Action action, std::string_view topic) const;
    bool check(const ClientInfo& who, Action action, std::string_view topic) const {
        return decide(who, action, topic).allow;
    }
    // What a superuser (is_superuser) may do without the rules: everything
    // but publishing to $SYS when allow_sys_publish is off (every client reads it).
    bool superuserMay(Action action, std::string_view topic) const;

    uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
    void invalidateCaches() { generation_.fetch_add(1, std::memory_order_acq_rel); }
    size_t ruleCount() const;
    const config::AuthorizationConfig& config() const { return cfg_; }

    struct Compiled;

private:
    std::shared_ptr<const Compiled> rules() const;

    config::AuthorizationConfig cfg_;
    mutable std::mutex mutex_;
    std::shared_ptr<const Compiled> rules_;
    std::atomic<uint64_t> generation_{1};
};

}  // namespace emqx::authz
