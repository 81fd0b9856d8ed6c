#include "common/encoding/base64.h"

#include <openssl/evp.h>

#include <algorithm>

namespace emqx {

std::string base64Encode(std::string_view bytes) {
    std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');  // EVP_EncodeBlock writes a terminating NUL
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
    // EVP_DecodeBlock skips surrounding whitespace and takes '=' anywhere; refuse both.
    bool alphabet = std::all_of(text.begin(), text.end() - static_cast<std::ptrdiff_t>(pad), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    });
    if (!alphabet) return std::nullopt;
    std::string out(text.size() / 4 * 3, '\0');
    if (text.empty()) return out;
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts the padding as zero bytes.
    out.resize(static_cast<size_t>(n) - pad);
    return out;
}

}  // namespace emqx
