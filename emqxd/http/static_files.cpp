#include "emqxd/http/static_files.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "common/http/query_string.h"
#include "emqxd/log/log.h"

namespace emqx::http {

namespace fs = std::filesystem;

namespace {

// The dashboard is a few small files; anything bigger is a mistake in the
// directory, refused at start rather than held in memory.
constexpr std::uintmax_t kMaxFileBytes = 1 << 20;
constexpr std::uintmax_t kMaxTotalBytes = 8 << 20;

bool under(const fs::path& inner, const fs::path& root) {
    auto [r, i] = std::mismatch(root.begin(), root.end(), inner.begin(), inner.end());
    return r == root.end();
}

// A decoded path may only name a file inside the root: no "." or ".."
// segment, no empty segment ("//etc/passwd"), no backslash or NUL.
bool safePath(std::string_view p) {
    if (p.empty() || p.front() != '/') return false;
    if (p.find('\\') != std::string_view::npos || p.find('\0') != std::string_view::npos) return false;
    std::size_t start = 1;
    while (start <= p.size()) {
        std::size_t end = p.find('/', start);
        if (end == std::string_view::npos) end = p.size();
        std::string_view seg = p.substr(start, end - start);
        if (seg.empty() || seg == "." || seg == "..") return false;
        start = end + 1;
    }
    return true;
}

}  // namespace

std::string_view contentTypeFor(std::string_view name) {
    static const std::pair<std::string_view, std::string_view> types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
    };
    for (const auto& [ext, type] : types)
        if (name.ends_with(ext)) return type;
    return "application/octet-stream";
}

bool StaticFiles::load(const std::string& root_dir, std::string& error) {
    std::error_code ec;
    fs::path root = fs::canonical(root_dir, ec);
    if (ec) {
        error = root_dir + ": " + ec.message();
        return false;
    }
    std::uintmax_t total = 0;
    auto add = [&](const fs::path& file) {
        fs::path real = fs::canonical(file, ec);
        if (ec || !under(real, root)) {
            log::warn("dashboard: {} is skipped: it leads out of {}", file.string(), root.string());
            return true;
        }
        std::uintmax_t bytes = fs::file_size(real, ec);
        if (ec || bytes > kMaxFileBytes || (total += bytes) > kMaxTotalBytes) {
            error = file.string() + ": " + (ec ? ec.message() : "over the dashboard's size limit");
            return false;
        }
        std::ifstream in(real, std::ios::binary);
        std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (!in.good() && !in.eof()) {
            error = file.string() + ": cannot be read";
            return false;
        }
        std::string url = "/" + fs::path(file).lexically_relative(root_dir).generic_string();
        files_[url] = File{contentTypeFor(url), std::move(body)};
        return true;
    };
    if (!fs::is_regular_file(fs::path(root_dir) / "index.html", ec)) {
        error = root_dir + "/index.html: not found";
        return false;
    }
    if (!add(fs::path(root_dir) / "index.html")) return false;
    fs::path statics = fs::path(root_dir) / "static";
    if (!fs::is_directory(statics, ec)) return true;
    // Symlinked directories are not descended into; a symlinked file is
    // loaded only when its target is inside the root (add()).
    for (fs::recursive_directory_iterator it(statics, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec) && !add(it->path())) return false;
    if (ec) {
        error = statics.string() + ": " + ec.message();
        return false;
    }
    return true;
}

bool StaticFiles::owns(std::string_view path) {
    return path == "/" || path == "/index.html" || path.starts_with("/static/");
}

HttpResponse StaticFiles::serve(const HttpRequest& request) const {
    if (request.method != "GET") {
        HttpResponse r = errorResponse(405, "METHOD_NOT_ALLOWED", request.method + " is not allowed here");
        r.headers.emplace_back("allow", "GET");
        return r;
    }
    auto path = percentDecode(request.path, false);
    if (!path) return errorResponse(400, "BAD_REQUEST", "bad percent-encoding in the path");
    if (*path == "/") *path = "/index.html";
    if (!safePath(*path)) return errorResponse(400, "BAD_REQUEST", "the path must name a file inside the dashboard");
    auto it = files_.find(*path);
    if (it == files_.end()) return errorResponse(404, "NOT_FOUND", "Request Path Not Found");
    HttpResponse r;
    r.headers.emplace_back("content-type", std::string(it->second.content_type));
    // The files change with emqxd itself: the browser asks again each time.
    r.headers.emplace_back("cache-control", "no-cache");
    r.body = it->second.body;
    return r;
}

}  // namespace emqx::http
