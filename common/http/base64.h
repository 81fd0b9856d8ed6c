#pragma once
// Base64 (RFC 4648, standard alphabet, padded) for what the HTTP API carries
// in JSON and headers: Basic credentials, publish payloads, retained payloads.
// Pure code.
#include <optional>
#include <string>
#include <string_view>

namespace emqx::http {

std::string base64Encode(std::string_view bytes);

// nullopt unless `text` is padded base64 of the standard alphabet (no
// whitespace, '=' only as the last one or two characters).
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace emqx::http
