#pragma once
// The credentials of an "Authorization: Basic base64(user:password)" header
// (RFC 7617); for the API the user is an API key and the password its secret.
// Pure code.
#include <optional>
#include <string>
#include <string_view>

namespace emqx::http {

struct BasicCredentials {
    std::string user;
    std::string password;
};

// nullopt unless the value is "Basic <base64 of user:password>" (the scheme
// in any case).
std::optional<BasicCredentials> parseBasicAuth(std::string_view header_value);

}  // namespace emqx::http
