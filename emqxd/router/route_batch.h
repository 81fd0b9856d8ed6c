#pragma once
// The route changes of one SUBSCRIBE, UNSUBSCRIBE or session end, gathered so
// Router::apply makes them all under one writer lock: taken once per filter,
// a 100-filter SUBSCRIBE took it 100 times and two workers subscribing at
// once spent a quarter of their time sleeping on it (docs/performance.md).
// Holds views: every filter must outlive the apply.
#include <cstdint>
#include <string_view>
#include <vector>

#include "emqxd/router/router.h"

namespace emqx {

class RouteBatch {
public:
    struct Change {
        std::string_view filter;
        Subscriber subscriber;  // only session_id for a removal
        bool add;
    };

    void subscribe(std::string_view filter, const Subscriber& s) { changes_.push_back({filter, s, true}); }
    void unsubscribe(std::string_view filter, uint64_t session_id) {
        Subscriber key;
        key.session_id = session_id;
        changes_.push_back({filter, key, false});
    }
    const std::vector<Change>& changes() const { return changes_; }
    bool empty() const { return changes_.empty(); }

private:
    std::vector<Change> changes_;
};

}  // namespace emqx
