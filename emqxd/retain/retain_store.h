#pragma once
// Retained messages, one per topic, behind an interface so that durable
// storage can replace the in-memory store without touching protocol code.
// Thread-safe: any worker sets and reads.
#include <cstddef>
#include <functional>
#include <string_view>

#include "emqxd/message/message.h"
#include "emqxd/storage/durable_writes.h"

namespace emqx {

class RetainStore {
public:
    virtual ~RetainStore() = default;
    // Stores `msg` for its topic; an empty payload deletes the topic's message.
    // Returns what it queued in the durable store (nothing for a memory store).
    virtual DurableWrites put(const MessagePtr& msg) = 0;
    // Calls visit for every retained message whose topic matches `filter`.
    virtual void match(std::string_view filter, const std::function<void(const MessagePtr&)>& visit) const = 0;
    virtual size_t erase(std::string_view topic) = 0;  // "" clears all; returns how many were removed
    virtual size_t size() const = 0;
};

}  // namespace emqx
