#include "common/http/basic_auth.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace emqx::http {

namespace {

std::optional<std::string> base64Decode(std::string_view in) {
    if (in.empty() || in.size() % 4 != 0 || in.size() > 4096) return std::nullopt;
    std::string out(in.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts the padding as zero bytes.
    size_t pad = in.ends_with("==") ? 2 : in.ends_with("=") ? 1 : 0;
    out.resize(static_cast<size_t>(n) - pad);
    return out;
}

}  // namespace

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
    auto decoded = base64Decode(value);
    if (!decoded) return std::nullopt;
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

}  // namespace emqx::http
