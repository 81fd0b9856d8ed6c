#pragma once
// Base64 (RFC 4648, standard alphabet, padded): the HTTP API's Basic
// credentials and payloads, WebSocket keys, license signatures, PEM bodies of
// peer certificates. Pure code.
#include <optional>
#include <string>
#include <string_view>

namespace emqx {

std::string base64Encode(std::string_view bytes);

// nullopt unless `text` is padded base64 of the standard alphabet (no
// whitespace, '=' only as the last one or two characters).
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace emqx
