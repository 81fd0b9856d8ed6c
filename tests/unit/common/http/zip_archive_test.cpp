// The trace download's zip, read back by libzip's reader: the one file, its
// name, bytes, method and time.
#include <zip.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <string>

#include "common/http/zip_archive.h"

using namespace emqx::http;

namespace {

struct OpenedZip {
    zip_t* za = nullptr;
    explicit OpenedZip(const std::string& bytes) {
        zip_error_t err;
        zip_error_init(&err);
        zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
        za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
        if (!za) zip_source_free(src);
        zip_error_fini(&err);
    }
    ~OpenedZip() {
        if (za) zip_discard(za);
    }
};

}  // namespace

TEST_CASE("zip: one deflated file that a reader gets back whole", "[http]") {
    std::string log;
    for (int i = 0; i < 2000; ++i) log += "2026-12-07T19:00:00 [CONNECT] client" + std::to_string(i) + "\n";
    int64_t wall_ms = 1700000000000;  // 2023-11-14T22:13:20Z
    std::string bytes = zipOneFile("emqx@127.0.0.1-t1.log", log, wall_ms);
    CHECK(bytes.size() < log.size() / 4);  // deflated, not stored

    OpenedZip z(bytes);
    REQUIRE(z.za);
    REQUIRE(zip_get_num_entries(z.za, 0) == 1);
    zip_stat_t st;
    REQUIRE(zip_stat_index(z.za, 0, 0, &st) == 0);
    CHECK(std::string(st.name) == "emqx@127.0.0.1-t1.log");
    CHECK(st.size == log.size());
    CHECK(st.comp_method == ZIP_CM_DEFLATE);
    CHECK(std::llabs(static_cast<long long>(st.mtime) - wall_ms / 1000) <= 2);  // DOS time: 2 s steps

    zip_file_t* f = zip_fopen_index(z.za, 0, 0);
    REQUIRE(f);
    std::string back(log.size(), '\0');
    CHECK(zip_fread(f, back.data(), back.size()) == static_cast<zip_int64_t>(log.size()));
    zip_fclose(f);
    CHECK(back == log);
}

TEST_CASE("zip: an empty log is an archive with one empty file", "[http]") {
    OpenedZip z(zipOneFile("n-empty.log", "", 0));
    REQUIRE(z.za);
    REQUIRE(zip_get_num_entries(z.za, 0) == 1);
    zip_stat_t st;
    REQUIRE(zip_stat_index(z.za, 0, 0, &st) == 0);
    CHECK(st.size == 0);
}
