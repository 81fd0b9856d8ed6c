#pragma once
// Retained messages kept durably: the in-memory index (MemoryRetainStore)
// answers every match, the durable store (RocksDB) holds the copy that
// survives a restart. Writes go to the store's pending batch and are
// committed by its writer thread (group commit), never on the caller's thread.
#include <memory>
#include <mutex>

#include "emqxd/retain/memory_retain_store.h"
#include "emqxd/storage/durable_store.h"

namespace emqx {

class RocksDbRetainStore final : public RetainStore {
public:
    explicit RocksDbRetainStore(std::shared_ptr<storage::DurableStore> store) : store_(std::move(store)) {}

    // At start: reads every stored message into the index; expired ones are
    // deleted from the store. Returns false (with `error`) when a record
    // cannot be read: the store is damaged.
    bool load(int64_t now_ms, size_t& loaded, size_t& expired, std::string& error);

    DurableWrites put(const MessagePtr& msg) override;
    void match(std::string_view filter, const std::function<void(const MessagePtr&)>& visit) const override;
    size_t erase(std::string_view topic) override;
    size_t size() const override { return index_.size(); }

private:
    std::shared_ptr<storage::DurableStore> store_;
    MemoryRetainStore index_;
    // Keeps the index and the store's write order the same when two workers set one topic.
    std::mutex write_order_;
};

}  // namespace emqx
