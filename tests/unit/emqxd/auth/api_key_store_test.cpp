// The HTTP API's keys: made with a random secret kept only hashed, checked
// against key and secret, kept in their file across a restart, and the
// bootstrap file's keys (which win over a kept key with the same api_key).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "emqxd/auth/api_key_store.h"
#include "tests/unit/temp_dir.h"

using namespace emqx::auth;
using emqx::test::readWholeFile;
using emqx::test::TempDir;

TEST_CASE("api keys: create, authenticate, remove", "[api_key]") {
    TempDir t;
    ApiKeyStore store(t.file("api_keys.json"));
    std::string error;
    REQUIRE(store.load("", 1000, error));
    CHECK(store.list().empty());  // no default key
    auto secret = store.create("ops", "for scripts", "administrator", 1000, error);
    REQUIRE(secret);
    CHECK(secret->size() == 43);
    const ApiKey* k = store.find("ops");
    REQUIRE(k);
    const std::string api_key = k->api_key;  // k dies with the key's removal below
    CHECK(api_key.size() == 16);
    CHECK(k->desc == "for scripts");
    CHECK(store.authenticate(k->api_key, *secret, 1000) == k);
    CHECK_FALSE(store.authenticate(k->api_key, *secret + "x", 1000));
    CHECK_FALSE(store.authenticate("nope", *secret, 1000));
    // The file holds the hash, never the secret.
    std::string kept = readWholeFile(t.file("api_keys.json"));
    CHECK(kept.find(k->api_key) != std::string::npos);
    CHECK(kept.find(*secret) == std::string::npos);
    CHECK(std::filesystem::status(t.file("api_keys.json")).permissions() ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    CHECK_FALSE(store.create("ops", "", "administrator", 1000, error));
    CHECK(error == "name_already_existed");
    CHECK_FALSE(store.create("1bad", "", "administrator", 1000, error));
    CHECK_FALSE(store.create("good", "", "root", 1000, error));
    CHECK(store.remove("ops", error) == ApiKeyStore::Removal::Removed);
    CHECK(store.remove("ops", error) == ApiKeyStore::Removal::NotFound);
    CHECK_FALSE(store.authenticate(api_key, *secret, 1000));
}

TEST_CASE("api keys: kept across a restart", "[api_key]") {
    TempDir t;
    std::string error, api_key;
    std::optional<std::string> secret;
    {
        ApiKeyStore store(t.file("api_keys.json"));
        REQUIRE(store.load("", 1000, error));
        secret = store.create("kept", "", "viewer", 1000, error);
        REQUIRE(secret);
        api_key = store.find("kept")->api_key;
    }
    ApiKeyStore again(t.file("api_keys.json"));
    REQUIRE(again.load("", 2000, error));
    const ApiKey* k = again.authenticate(api_key, *secret, 2000);
    REQUIRE(k);
    CHECK(k->role == "viewer");
    CHECK(k->created_at_s == 1000);
}

TEST_CASE("api keys: the bootstrap file's keys, which win and are not kept", "[api_key]") {
    TempDir t;
    std::ofstream(t.file("boot.txt")) << "boot-key:boot-secret:viewer\n";
    ApiKeyStore store(t.file("api_keys.json"));
    std::string error;
    REQUIRE(store.load(t.file("boot.txt"), 1000, error));
    const ApiKey* k = store.authenticate("boot-key", "boot-secret", 1000);
    REQUIRE(k);
    CHECK(k->name.starts_with("from_bootstrap_file_"));
    CHECK(k->role == "viewer");
    CHECK(k->from_bootstrap);
    auto secret = store.create("other", "", "administrator", 1000, error);
    REQUIRE(secret);
    CHECK(readWholeFile(t.file("api_keys.json")).find("boot-key") == std::string::npos);

    std::ofstream(t.file("bad.txt")) << "ok:fine\nbroken\n";
    ApiKeyStore bad(t.file("api_keys.json"));
    CHECK_FALSE(bad.load(t.file("bad.txt"), 1000, error));
    CHECK(error == "api_key.bootstrap_file " + t.file("bad.txt") + ":2: expected key:secret or key:secret:role");
    CHECK_FALSE(bad.load(t.file("missing.txt"), 1000, error));
    CHECK(error.find("cannot read") != std::string::npos);
}

TEST_CASE("api keys: at most 100, as EMQX", "[api_key]") {
    TempDir t;
    ApiKeyStore store(t.file("api_keys.json"));
    std::string error;
    REQUIRE(store.load("", 1000, error));
    for (size_t i = 0; i < ApiKeyStore::kMaxKeys; ++i)
        REQUIRE(store.create("k" + std::to_string(i), "", "administrator", 1000, error));
    CHECK_FALSE(store.create("one-more", "", "administrator", 1000, error));
    CHECK(error == "Maximum number of ApiKeys reached.");
}
