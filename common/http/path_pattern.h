#pragma once
// Route paths with parameters, as EMQX's API writes them:
// "/api/v5/clients/:clientid" matches "/api/v5/clients/c%2F1" with clientid
// "c/1" (a parameter is one segment, decoded after the split, so an encoded
// '/' stays in it). Pure code.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emqx::http {

using PathParams = std::vector<std::pair<std::string, std::string>>;

enum class PathMatch { No, Yes, BadEncoding };

// Matches the still-encoded `path` against `pattern`; on Yes `params` holds
// each ":name" segment decoded. BadEncoding: it matched but a parameter's
// percent-encoding is broken.
PathMatch matchPath(std::string_view pattern, std::string_view path, PathParams& params);

// "/clients/:clientid" -> "/clients/{clientid}" (OpenAPI's form).
std::string openApiPath(std::string_view pattern);

// The names of the pattern's parameters, in order.
std::vector<std::string> pathParamNames(std::string_view pattern);

}  // namespace emqx::http
