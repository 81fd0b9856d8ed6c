#pragma once
#include <map>
#include <shared_mutex>
#include <string>

#include "emqxd/retain/retain_store.h"

namespace emqx {

// Retained messages in memory: exact lookups by topic, wildcard filters by scan
// (a subscription-time cost, not a per-message one).
class MemoryRetainStore final : public RetainStore {
public:
    DurableWrites put(const MessagePtr& msg) override;
    void match(std::string_view filter, const std::function<void(const MessagePtr&)>& visit) const override;
    size_t erase(std::string_view topic) override;
    size_t size() const override;

private:
    mutable std::shared_mutex mutex_;
    std::map<std::string, MessagePtr, std::less<>> messages_;
};

}  // namespace emqx
