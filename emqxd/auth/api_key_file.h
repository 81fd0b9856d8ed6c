#pragma once
// api_key.bootstrap_file, as EMQX 5 reads it: one `key:secret` or
// `key:secret:role` a line (blank lines skipped, surrounding blanks trimmed),
// role administrator (the default), viewer or publisher. Also the rules an
// API key's name and role follow. Pure code.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace emqx::auth {

inline constexpr std::string_view kDefaultApiKeyRole = "administrator";

struct BootstrapApiKey {
    std::string api_key;
    std::string api_secret;
    std::string role;
    size_t line = 0;
};

// Parses the file's text. On a bad line returns false with
// "<file>:<line>: ..." in `error` (the secret is never quoted).
bool parseApiKeyFile(std::string_view text, std::string_view file, std::vector<BootstrapApiKey>& out,
                     std::string& error);

// administrator | viewer | publisher (EMQX's API key roles).
bool isApiKeyRole(std::string_view role);

// EMQX's rule: 1..256 characters, ^[A-Za-z]+[A-Za-z0-9-_]*$. "" when valid,
// else why not.
std::string apiKeyNameProblem(std::string_view name);

}  // namespace emqx::auth
