#include "common/http/basic_auth.h"

#include "common/encoding/base64.h"

#include <algorithm>
#include <cctype>

namespace emqx::http {

std::optional<BasicCredentials> parseBasicAuth(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    constexpr std::string_view scheme = "basic ";
    if (value.size() <= scheme.size() || !std::equal(scheme.begin(), scheme.end(), value.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
        }))
        return std::nullopt;
    value.remove_prefix(scheme.size());
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    // Credentials are short; a huge header is refused before it is decoded.
    auto decoded = value.size() <= 4096 ? base64Decode(value) : std::nullopt;
    if (!decoded) return std::nullopt;
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

}  // namespace emqx::http
