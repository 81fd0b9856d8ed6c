#pragma once
// The parts of a request target after the parser: percent-decoding and the
// query string's name=value pairs. Pure code.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emqx::http {

// name=value pairs in their order; a name may repeat (clientid=a&clientid=b).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// %XX decoded (and '+' as a space when `plus_is_space`, as in a query);
// nullopt for a '%' not followed by two hex digits.
std::optional<std::string> percentDecode(std::string_view s, bool plus_is_space);

// "a=1&b=x%20y&c" -> {a,1} {b,"x y"} {c,""}; nullopt on bad percent-encoding.
std::optional<QueryParams> parseQuery(std::string_view query);

// The first value of `name`, or null.
const std::string* queryValue(const QueryParams& q, std::string_view name);

}  // namespace emqx::http
