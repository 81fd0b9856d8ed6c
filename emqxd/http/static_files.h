#pragma once
// The dashboard's files (docs/http-api.md "Dashboard"), laid out as EMQX 5
// serves its own: GET / is <root>/index.html, GET /static/<path> is
// <root>/static/<path>. They are read into memory once at start (a few small
// files), so a request never touches the disk from the control loop and only
// a file that was loaded can be answered: a path naming anything else, by
// "..", its encoded "%2e%2e", a backslash or a NUL, is refused before the
// lookup, and a symlink whose target leaves the root is never loaded.
// Owner: the control loop (loaded before the listener binds, then read only).
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/http/http_request.h"
#include "common/http/http_response.h"

namespace emqx::http {

class StaticFiles {
public:
    // Reads <root>/index.html and every regular file under <root>/static.
    // A symlink out of the root is skipped (and logged). Fails, naming the
    // path, when the root or index.html is missing or a file is over the
    // size limit.
    bool load(const std::string& root, std::string& error);

    // Whether `path` (still percent-encoded) is one of the dashboard's: "/",
    // "/index.html" or under "/static/".
    static bool owns(std::string_view path);

    // The answer to a request for an owned path: 200 with the file, 400
    // BAD_REQUEST for a path that tries to leave the root, 404 NOT_FOUND for
    // a file that is not there, 405 for a method other than GET.
    HttpResponse serve(const HttpRequest& request) const;

    std::size_t size() const { return files_.size(); }

private:
    struct File {
        std::string_view content_type;
        std::string body;
    };
    std::unordered_map<std::string, File> files_;  // by URL path: "/index.html", "/static/app.js"
};

// The Content-Type for a file name, by its extension.
std::string_view contentTypeFor(std::string_view name);

}  // namespace emqx::http
