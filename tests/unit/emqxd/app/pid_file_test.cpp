#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "emqxd/app/pid_file.h"

namespace {

std::string readAll(const std::filesystem::path& p) {
    std::ifstream f(p);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "pidfile-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("PidFile: a held pid file is neither overwritten nor removed by a second owner", "[pid_file]") {
    TempDir dir;
    auto path = dir.path / "emqxd.pid";
    std::string own_pid = std::to_string(::getpid()) + "\n";
    {
        emqx::PidFile first;
        std::string error;
        REQUIRE(first.acquire(path.string(), error));
        REQUIRE(readAll(path) == own_pid);
        {
            // flock locks belong to an open file description: a second one conflicts even in this process.
            emqx::PidFile second;
            REQUIRE_FALSE(second.acquire(path.string(), error));
            CHECK(error.find("in use by another emqxd (pid " + std::to_string(::getpid()) + ")") != std::string::npos);
        }
        CHECK(readAll(path) == own_pid);
    }
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("PidFile: a stale file from a crash is taken over", "[pid_file]") {
    TempDir dir;
    auto path = dir.path / "emqxd.pid";
    std::ofstream(path) << "4194303999\n";
    emqx::PidFile pid_file;
    std::string error;
    REQUIRE(pid_file.acquire(path.string(), error));
    CHECK(readAll(path) == std::to_string(::getpid()) + "\n");
}

TEST_CASE("PidFile: an unwritable place is an error that names the file", "[pid_file]") {
    emqx::PidFile pid_file;
    std::string error;
    REQUIRE_FALSE(pid_file.acquire("/nonexistent-dir/emqxd.pid", error));
    CHECK(error.find("/nonexistent-dir/emqxd.pid") != std::string::npos);
}
