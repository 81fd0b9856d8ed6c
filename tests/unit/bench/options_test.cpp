// emqx-bench's command line: the options added for routing and connection
// benchmarks (several sub filters, --ifaddr, pub %rand_N), as emqtt_bench spells them.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "bench/options.h"
#include "bench/source_addresses.h"

using namespace emqx::bench;

namespace {

// parseOptions' result: -1 to go on, 2 on a usage error.
int parse(std::vector<std::string> args, Options& o) {
    args.insert(args.begin(), "emqx-bench");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    return parseOptions(static_cast<int>(argv.size()), argv.data(), o);
}

}  // namespace

TEST_CASE("bench options: sub subscribes every -t, in order", "[bench]") {
    Options o;
    REQUIRE(parse({"sub", "-t", "rt/%i/e/1", "-t", "rt/%i/+/2", "--topic", "+/%i/#"}, o) == -1);
    CHECK(o.command == Command::Sub);
    CHECK(o.topics == std::vector<std::string>{"rt/%i/e/1", "rt/%i/+/2", "+/%i/#"});
}

TEST_CASE("bench options: -t takes one value per flag, as emqtt_bench's", "[bench]") {
    Options o;
    CHECK(parse({"sub", "-t", "a", "b"}, o) == 2);
}

TEST_CASE("bench options: pub takes one topic, with valid %rand_N levels", "[bench]") {
    Options o;
    REQUIRE(parse({"pub", "-t", "rt/%rand_10000/e/%rand_150"}, o) == -1);
    CHECK(o.topics == std::vector<std::string>{"rt/%rand_10000/e/%rand_150"});
    Options two;
    CHECK(parse({"pub", "-t", "a", "-t", "b"}, two) == 2);
    Options zero;
    CHECK(parse({"pub", "-t", "rt/%rand_0"}, zero) == 2);
}

TEST_CASE("bench options: --ifaddr on every subcommand", "[bench]") {
    for (const char* cmd : {"conn", "pub", "sub"}) {
        INFO(cmd);
        Options o;
        std::vector<std::string> args{cmd, "--ifaddr", "127.0.0.2,127.0.0.10-127.0.0.11"};
        if (std::string(cmd) != "conn") args.insert(args.end(), {"-t", "x"});
        REQUIRE(parse(args, o) == -1);
        REQUIRE(o.source_addrs.size() == 3);
        CHECK(addressText(o.source_addrs[0]) == "127.0.0.2");
        CHECK(addressText(o.source_addrs[2]) == "127.0.0.11");
    }
    Options none;
    REQUIRE(parse({"conn"}, none) == -1);
    CHECK(none.source_addrs.empty());
    Options bad;
    CHECK(parse({"conn", "--ifaddr", "eth0"}, bad) == 2);
}

TEST_CASE("bench options: --max-pending handshakes per thread", "[bench]") {
    Options o;
    REQUIRE(parse({"conn"}, o) == -1);
    CHECK(o.max_pending == 1024);
    Options forty;
    REQUIRE(parse({"sub", "-t", "x", "--max-pending", "40"}, forty) == -1);
    CHECK(forty.max_pending == 40);
    Options zero;
    CHECK(parse({"conn", "--max-pending", "0"}, zero) == 2);
}
