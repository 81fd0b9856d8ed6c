#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "emqxd/app/pid_file.h"
#include "tests/unit/temp_dir.h"

using emqx::test::readWholeFile;

TEST_CASE("PidFile: a held pid file is neither overwritten nor removed by a second owner", "[pid_file]") {
    emqx::test::TempDir dir;
    auto path = dir.dir / "emqxd.pid";
    std::string own_pid = std::to_string(::getpid()) + "\n";
    {
        emqx::PidFile first;
        std::string error;
        REQUIRE(first.acquire(path.string(), error));
        REQUIRE(readWholeFile(path) == own_pid);
        {
            // flock locks belong to an open file description: a second one conflicts even in this process.
            emqx::PidFile second;
            REQUIRE_FALSE(second.acquire(path.string(), error));
            CHECK(error.find("in use by another emqxd (pid " + std::to_string(::getpid()) + ")") != std::string::npos);
        }
        CHECK(readWholeFile(path) == own_pid);
    }
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("PidFile: a stale file from a crash is taken over", "[pid_file]") {
    emqx::test::TempDir dir;
    auto path = dir.dir / "emqxd.pid";
    std::ofstream(path) << "4194303999\n";
    emqx::PidFile pid_file;
    std::string error;
    REQUIRE(pid_file.acquire(path.string(), error));
    CHECK(readWholeFile(path) == std::to_string(::getpid()) + "\n");
}

TEST_CASE("PidFile: an unwritable place is an error that names the file", "[pid_file]") {
    emqx::PidFile pid_file;
    std::string error;
    REQUIRE_FALSE(pid_file.acquire("/nonexistent-dir/emqxd.pid", error));
    CHECK(error.find("/nonexistent-dir/emqxd.pid") != std::string::npos);
}
