#include "emqxd/retain/rocksdb_retain_store.h"

#include <vector>

#include "emqxd/storage/record_codec.h"

namespace emqx {

bool RocksDbRetainStore::load(int64_t now_ms, size_t& loaded, size_t& expired, std::string& error) {
    loaded = expired = 0;
    std::vector<std::string> gone;
    bool ok = store_->forEachRetained(
        [&](std::string_view topic, std::string_view value) {
            MessagePtr m = storage::decodeMessage(value);
            if (!m || m->topic != topic) {
                error = store_->dir() + ": the retained message record of topic \"" + std::string(topic) +
                        "\" cannot be decoded";
                return false;
            }
            if (m->remainingExpirySeconds(now_ms) == 0) {
                gone.emplace_back(topic);
                return true;
            }
            index_.put(m);
            ++loaded;
            return true;
        },
        error);
    if (!ok) return false;
    for (const auto& t : gone) store_->deleteRetained(t);
    expired = gone.size();
    return true;
}

DurableWrites RocksDbRetainStore::put(const MessagePtr& msg) {
    std::string record = msg->payload.empty() ? std::string() : storage::encodeMessage(*msg);
    DurableWrites writes;
    std::lock_guard lock(write_order_);
    if (msg->payload.empty()) {
        if (index_.erase(msg->topic) > 0) writes.add(store_->deleteRetained(msg->topic));
        return writes;
    }
    index_.put(msg);
    writes.add(store_->putRetained(msg->topic, record));
    return writes;
}

void RocksDbRetainStore::match(std::string_view filter, const std::function<void(const MessagePtr&)>& visit) const {
    index_.match(filter, visit);
}

size_t RocksDbRetainStore::erase(std::string_view topic) {
    std::lock_guard lock(write_order_);
    size_t n = index_.erase(topic);
    if (topic.empty()) store_->clearRetained();
    else if (n > 0) store_->deleteRetained(topic);
    return n;
}

}  // namespace emqx
