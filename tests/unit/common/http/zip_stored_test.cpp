// A stored zip of one file, byte for byte where it matters.
#include <catch2/catch.hpp>

#include "common/http/zip_stored.h"

using namespace emqx::http;

namespace {

uint32_t le32(const std::string& s, size_t at) {
    return static_cast<unsigned char>(s[at]) | static_cast<unsigned char>(s[at + 1]) << 8 |
           static_cast<unsigned char>(s[at + 2]) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

}  // namespace

TEST_CASE("crc32: the standard check value", "[http]") {
    CHECK(crc32("123456789") == 0xCBF43926u);
    CHECK(crc32("") == 0u);
}

TEST_CASE("zip: one stored file, its headers and directory", "[http]") {
    std::string zip = zipOneStored("a.log", "hello", 1700000000000);  // 2023-11-14T22:13:20Z
    REQUIRE(zip.size() == 30 + 5 + 5 + 46 + 5 + 22);
    CHECK(le32(zip, 0) == 0x04034b50u);
    CHECK(le32(zip, 14) == crc32("hello"));
    CHECK(le32(zip, 18) == 5u);
    CHECK(zip.substr(30, 5) == "a.log");
    CHECK(zip.substr(35, 5) == "hello");
    CHECK(le32(zip, 40) == 0x02014b50u);
    size_t end = zip.size() - 22;
    CHECK(le32(zip, end) == 0x06054b50u);
    CHECK(le32(zip, end + 12) == 46u + 5u);  // the directory's size
    CHECK(le32(zip, end + 16) == 40u);       // and where it starts
    // 22:13:20 and 2023-11-14 in DOS form.
    CHECK(((static_cast<unsigned char>(zip[10]) | static_cast<unsigned char>(zip[11]) << 8)) ==
          ((22 << 11) | (13 << 5) | 10));
    CHECK(((static_cast<unsigned char>(zip[12]) | static_cast<unsigned char>(zip[13]) << 8)) ==
          ((43 << 9) | (11 << 5) | 14));
}
