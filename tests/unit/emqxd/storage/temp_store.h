#pragma once
// A real DurableStore in a fresh temporary directory, removed at the end;
// reopen() closes and opens it again (what a restart reads).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "emqxd/storage/durable_store.h"

namespace emqx::test {

struct TempStore {
    std::string dir;
    std::unique_ptr<storage::DurableStore> store;
    explicit TempStore(storage::FsyncMode mode = storage::FsyncMode::Never) : mode_(mode) {
        dir = (std::filesystem::temp_directory_path() /
               ("emqx-store-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this))))
                  .string();
        std::filesystem::remove_all(dir);
        reopen();
    }
    void reopen() {
        if (store) store->close();
        store.reset();
        std::string error;
        storage::DurableStore::OpenFailure failure;
        store = storage::DurableStore::open(dir, mode_, error, failure);
        REQUIRE(store);
    }
    ~TempStore() {
        store.reset();
        std::filesystem::remove_all(dir);
    }

private:
    storage::FsyncMode mode_;
};

}  // namespace emqx::test
