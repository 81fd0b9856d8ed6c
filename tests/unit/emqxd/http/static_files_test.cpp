// The dashboard's files: only files loaded from inside the root are served,
// every way of naming something else ("..", encoded, backslash, NUL, empty
// segments, symlinks out of the root) is refused, and each file has its
// Content-Type.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "emqxd/http/static_files.h"

using namespace emqx::http;
namespace fs = std::filesystem;

namespace {

// <base>/www is the dashboard; <base>/secret.txt and <base>/outside/ are not.
struct Tree {
    fs::path base;
    Tree() {
        base = fs::temp_directory_path() /
               ("emqx-static-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
        fs::remove_all(base);
        fs::create_directories(base / "www/static/js");
        fs::create_directories(base / "outside");
        write("www/index.html", "<title>emqxd</title>");
        write("www/static/js/app.js", "console.log(1)");
        write("www/static/style.css", "body{}");
        write("www/static/inside.txt", "inside");
        write("www/top-level.txt", "not under static/");
        write("secret.txt", "SECRET");
        write("outside/also-secret.txt", "SECRET");
        fs::create_symlink(base / "secret.txt", base / "www/static/leak.txt");
        fs::create_symlink(base / "outside", base / "www/static/dirlink");
        fs::create_symlink("inside.txt", base / "www/static/alias.txt");
    }
    ~Tree() { fs::remove_all(base); }
    void write(const char* rel, const char* text) const { std::ofstream(base / rel) << text; }
    std::string root() const { return (base / "www").string(); }
};

HttpResponse get(const StaticFiles& files, std::string path, std::string method = "GET") {
    HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    return files.serve(r);
}

std::string header(const HttpResponse& r, const char* name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return "";
}

}  // namespace

TEST_CASE("static files: / is index.html and /static/ the files under static/", "[http][static]") {
    Tree t;
    StaticFiles files;
    std::string error;
    REQUIRE(files.load(t.root(), error));
    auto index = get(files, "/");
    CHECK(index.status == 200);
    CHECK(index.body == "<title>emqxd</title>");
    CHECK(header(index, "content-type") == "text/html; charset=utf-8");
    CHECK(get(files, "/index.html").body == index.body);
    auto js = get(files, "/static/js/app.js");
    CHECK(js.status == 200);
    CHECK(js.body == "console.log(1)");
    CHECK(header(js, "content-type") == "text/javascript; charset=utf-8");
    CHECK(header(get(files, "/static/style.css"), "content-type") == "text/css; charset=utf-8");
    CHECK(get(files, "/static/js/%61pp.js").body == "console.log(1)");
    // A symlink that stays inside the root is served.
    CHECK(get(files, "/static/alias.txt").body == "inside");
}

TEST_CASE("static files: a missing file is 404, another method 405", "[http][static]") {
    Tree t;
    StaticFiles files;
    std::string error;
    REQUIRE(files.load(t.root(), error));
    CHECK(get(files, "/static/missing.js").status == 404);
    CHECK(get(files, "/static/js").status == 404);
    CHECK(get(files, "/top-level.txt").status == 404);
    auto post = get(files, "/", "POST");
    CHECK(post.status == 405);
    CHECK(header(post, "allow") == "GET");
}

TEST_CASE("static files: paths out of the root are refused", "[http][static]") {
    Tree t;
    StaticFiles files;
    std::string error;
    REQUIRE(files.load(t.root(), error));
    for (const char* path :
         {"/static/../../secret.txt", "/static/js/../../../secret.txt", "/static/./inside.txt",
          "/static/%2e%2e/%2e%2e/secret.txt", "/static/%2E%2E/%2E%2E/secret.txt", "/static/..%2f..%2fsecret.txt",
          "/static/..%5c..%5csecret.txt", "/static/..\\secret.txt", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
          "/static/inside.txt%00.html", "/static/%"}) {
        INFO(path);
        auto r = get(files, path);
        CHECK(r.status == 400);
        CHECK(r.body.find("SECRET") == std::string::npos);
    }
}

TEST_CASE("static files: symlinks out of the root are not loaded", "[http][static]") {
    Tree t;
    StaticFiles files;
    std::string error;
    REQUIRE(files.load(t.root(), error));
    CHECK(get(files, "/static/leak.txt").status == 404);
    CHECK(get(files, "/static/dirlink/also-secret.txt").status == 404);
    CHECK(files.size() == 5);  // index.html, app.js, style.css, inside.txt, alias.txt
}

TEST_CASE("static files: a root without index.html does not load", "[http][static]") {
    Tree t;
    StaticFiles files;
    std::string error;
    CHECK_FALSE(files.load((t.base / "outside").string(), error));
    CHECK(error.find("index.html") != std::string::npos);
    CHECK_FALSE(files.load((t.base / "nowhere").string(), error));
    CHECK(error.find("nowhere") != std::string::npos);
}

TEST_CASE("static files: content types by extension", "[http][static]") {
    CHECK(contentTypeFor("a.svg") == "image/svg+xml");
    CHECK(contentTypeFor("a.json") == "application/json");
    CHECK(contentTypeFor("a.bin") == "application/octet-stream");
}

TEST_CASE("static files: the dashboard's own paths", "[http][static]") {
    CHECK(StaticFiles::owns("/"));
    CHECK(StaticFiles::owns("/static/app.js"));
    CHECK_FALSE(StaticFiles::owns("/api/v5/nodes"));
    CHECK_FALSE(StaticFiles::owns("/status"));
    CHECK_FALSE(StaticFiles::owns("/staticfoo"));
}
