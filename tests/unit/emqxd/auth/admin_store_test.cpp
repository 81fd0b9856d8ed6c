// The dashboard's users: EMQX's username, password and role rules, the
// default user made only at the first start, passwords kept only hashed, and
// every change kept in the file across a restart.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "emqxd/auth/admin_store.h"
#include "tests/unit/temp_dir.h"

using namespace emqx::auth;
using emqx::test::readWholeFile;
using emqx::test::TempDir;

TEST_CASE("admins: EMQX's password rules", "[admins]") {
    CHECK(adminPasswordProblem("abc1") == "The range of password length is 8~64");
    CHECK(adminPasswordProblem(std::string(65, 'a') + "1") == "The range of password length is 8~64");
    CHECK(adminPasswordProblem(std::string(63, 'x') + "1").empty());
    CHECK(adminPasswordProblem("12345678").starts_with("Bad password. At least two different kind"));
    CHECK(adminPasswordProblem("abcdefghXYZ").starts_with("Bad password."));
    CHECK(adminPasswordProblem("!@#$%^&*()").starts_with("Bad password."));
    CHECK(adminPasswordProblem("abckldiekflkdf12").empty());
    CHECK(adminPasswordProblem("abckldiekflkdf w").empty());  // a space is a special character
    CHECK(adminPasswordProblem("# 12344858").empty());
    CHECK(adminPasswordProblem("test_for_non_ascii1\xe4\xb8\xad") ==
          "Only ascii characters are allowed in the password");
}

TEST_CASE("admins: EMQX's username and role rules", "[admins]") {
    CHECK(adminUsernameProblem("") == "Username cannot be empty");
    CHECK(adminUsernameProblem("ops_2").empty());
    CHECK(adminUsernameProblem("ops-2").starts_with("Bad Username."));
    CHECK(adminUsernameProblem("a b").starts_with("Bad Username."));
    CHECK(adminUsernameProblem(std::string(101, 'a')) == "Username is longer than 100 characters");
    CHECK(adminRoleProblem("administrator").empty());
    CHECK(adminRoleProblem("viewer").empty());
    CHECK(adminRoleProblem("root") == "Role does not exist");
}

TEST_CASE("admins: the default user is made at the first start only", "[admins]") {
    TempDir t;
    std::string error;
    {
        AdminStore store(t.file("admins.json"));
        REQUIRE(store.load("admin", "public", error));
        REQUIRE(store.list().size() == 1);
        const AdminUser* admin = store.authenticate("admin", "public");
        REQUIRE(admin);
        CHECK(admin->role == "administrator");
        CHECK(admin->description == "administrator");
        CHECK_FALSE(store.authenticate("admin", "Public"));
        CHECK_FALSE(store.authenticate("nobody", "public"));
        // The file holds a salted hash, never the password, and only its owner may read it.
        std::string kept = readWholeFile(t.file("admins.json"));
        CHECK(kept.find("\"public\"") == std::string::npos);
        CHECK(kept.find("password_hash") != std::string::npos);
        CHECK(std::filesystem::status(t.file("admins.json")).permissions() ==
              (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
        REQUIRE(store.remove("admin", error) == AdminStore::Result::Done);
    }
    // Deleted stays deleted: the file exists, so no default user comes back.
    AdminStore again(t.file("admins.json"));
    REQUIRE(again.load("admin", "public", error));
    CHECK(again.list().empty());
}

TEST_CASE("admins: no default user when its name or password is empty", "[admins]") {
    TempDir t;
    std::string error;
    AdminStore store(t.file("admins.json"));
    REQUIRE(store.load("admin", "", error));
    CHECK(store.list().empty());
}

TEST_CASE("admins: add, change the password, update, remove, all kept", "[admins]") {
    TempDir t;
    std::string error;
    {
        AdminStore store(t.file("admins.json"));
        REQUIRE(store.load("admin", "public", error));
        CHECK(store.add("ops", "short1", "administrator", "", error) == AdminStore::Result::Invalid);
        CHECK(error == "The range of password length is 8~64");
        CHECK(store.add("ops", "s3cret-pass", "root", "", error) == AdminStore::Result::Invalid);
        CHECK(error == "Role does not exist");
        REQUIRE(store.add("ops", "s3cret-pass", "viewer", "night shift", error) == AdminStore::Result::Done);
        CHECK(store.add("ops", "other-pass1", "viewer", "", error) == AdminStore::Result::Exists);
        CHECK(error == "username_already_exists");
        CHECK(store.setPassword("ops", "12345678", error) == AdminStore::Result::Invalid);
        CHECK(store.authenticate("ops", "s3cret-pass"));  // a refused change changes nothing
        REQUIRE(store.setPassword("ops", "n3w-pass-word", error) == AdminStore::Result::Done);
        CHECK_FALSE(store.authenticate("ops", "s3cret-pass"));
        CHECK(store.setPassword("ghost", "n3w-pass-word", error) == AdminStore::Result::NotFound);
        REQUIRE(store.update("admin", "administrator", "the boss", error) == AdminStore::Result::Done);
        CHECK(store.update("admin", "god", "", error) == AdminStore::Result::Invalid);
        CHECK(store.remove("ghost", error) == AdminStore::Result::NotFound);
    }
    AdminStore again(t.file("admins.json"));
    REQUIRE(again.load("admin", "public", error));
    const AdminUser* ops = again.authenticate("ops", "n3w-pass-word");
    REQUIRE(ops);
    CHECK(ops->role == "viewer");
    CHECK(ops->description == "night shift");
    CHECK(again.find("admin")->description == "the boss");
    CHECK(
        adminUserJson(*ops) ==
        nlohmann::json{{"username", "ops"}, {"description", "night shift"}, {"role", "viewer"}, {"backend", "local"}});
}

TEST_CASE("admins: a change that cannot be written is undone", "[admins]") {
    TempDir t;
    std::string error;
    AdminStore store(t.file("admins.json"));
    REQUIRE(store.load("admin", "public", error));
    // A directory where the file's temporary copy goes: writing fails.
    std::filesystem::create_directories(t.file("admins.json.tmp"));
    CHECK(store.add("ops", "s3cret-pass", "administrator", "", error) == AdminStore::Result::NotSaved);
    CHECK_FALSE(store.find("ops"));
    CHECK(store.setPassword("admin", "n3w-pass-word", error) == AdminStore::Result::NotSaved);
    CHECK(store.authenticate("admin", "public"));
}

TEST_CASE("admins: a file that is not a users file stops the load", "[admins]") {
    TempDir t;
    std::ofstream(t.file("admins.json")) << "[1, 2]";
    AdminStore store(t.file("admins.json"));
    std::string error;
    CHECK_FALSE(store.load("admin", "public", error));
    CHECK(error.find("not a dashboard users file") != std::string::npos);
}
