// The authentication / authorization / flapping_detect keys (docs/security.md):
// loaded from a file and the environment, rendered and loaded back.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/config/config_keys.h"
#include "common/config/config_loader.h"

using namespace emqx::config;

namespace {
bool load(const std::string& text, BrokerConfig& out, std::vector<ConfigError>& errors,
          const std::map<std::string, std::string>& env = {}) {
    std::string path = "/tmp/emqx-security-config-" + std::to_string(::getpid()) + ".toml";
    std::ofstream(path) << text;
    bool ok = loadConfig(path, env, out, errors);
    std::remove(path.c_str());
    for (const auto& e : errors) UNSCOPED_INFO(e.message);
    return ok;
}
}  // namespace

TEST_CASE("security config: defaults keep everyone in and everything allowed", "[config][security]") {
    BrokerConfig c = defaultConfig();
    CHECK(c.authentication.empty());
    CHECK_FALSE(c.mqtt.allow_anonymous);
    CHECK(c.authorization.sources.empty());
    CHECK(c.authorization.no_match == "allow");
    CHECK(c.authorization.deny_action == "ignore");
    CHECK(c.authorization.cache_enable);
    CHECK(c.authorization.cache_max_size == 32);
    CHECK(c.authorization.cache_ttl == 60000);
    CHECK_FALSE(c.flapping_detect.enable);
    CHECK(c.flapping_detect.max_count == 15);
}

TEST_CASE("security config: file, environment and a round trip", "[config][security]") {
    BrokerConfig c;
    std::vector<ConfigError> errors;
    REQUIRE(load(R"(authentication = [
  {mechanism = "password_based", backend = "built_in_database", user_id_type = "clientid", password_hash_algorithm = "pbkdf2", mac_fun = "sha512", iterations = 100},
  {mechanism = "clientid_allowlist", clientids = ["a", "b"]},
]
[mqtt]
allow_anonymous = true
[authorization]
sources = [{type = "file", path = "etc/acl.conf"}]
no_match = "deny"
deny_action = "disconnect"
[authorization.cache]
max_size = 4
ttl = "5s"
[flapping_detect]
enable = true
max_count = 3
)",
                 c, errors, {{"EMQX_FLAPPING_DETECT__BAN_TIME", "1h"}}));
    REQUIRE(c.authentication.size() == 2);
    CHECK(c.authentication[0].user_id_type == "clientid");
    CHECK(c.authentication[0].password_hash_algorithm == "pbkdf2");
    CHECK(c.authentication[0].mac_fun == "sha512");
    CHECK(c.authentication[0].iterations == 100);
    CHECK(c.authentication[1].mechanism == "clientid_allowlist");
    CHECK(c.authentication[1].clientids == "a,b");
    CHECK(c.mqtt.allow_anonymous);
    REQUIRE(c.authorization.sources.size() == 1);
    CHECK(c.authorization.sources[0].path == "etc/acl.conf");
    CHECK(c.authorization.no_match == "deny");
    CHECK(c.authorization.deny_action == "disconnect");
    CHECK(c.authorization.cache_max_size == 4);
    CHECK(c.authorization.cache_ttl == 5000);
    CHECK(c.flapping_detect.enable);
    CHECK(c.flapping_detect.max_count == 3);
    CHECK(c.flapping_detect.ban_time == 3600000);
    std::string text = renderConfig(c);
    BrokerConfig again;
    REQUIRE(load(text, again, errors));
    CHECK(renderConfig(again) == text);
}

TEST_CASE("security config: bad values are refused", "[config][security]") {
    BrokerConfig c;
    std::vector<ConfigError> errors;
    CHECK_FALSE(load("authentication = [{mechanism = \"ldap\"}]\n", c, errors));
    CHECK_FALSE(load("[authorization]\nno_match = \"maybe\"\n", c, errors));
    CHECK_FALSE(load("[authorization]\nsources = [{type = \"file\"}]\n", c, errors));  // path is required
}
