#pragma once
// What one publish queued in the durable store (a retained message, journal
// entries of durable subscribers): the commit sequence numbers its
// acknowledgement depends on, and whether the store refused a write (a full
// disk). Returned by the publish itself, so no thread-local probe of the store
// is needed to learn it.
#include <cstdint>

namespace emqx {

struct DurableWrites {
    uint64_t first_seq = 0;  // 0: nothing was queued
    uint64_t last_seq = 0;
    bool refused = false;

    // `seq` as returned by a DurableStore write: 0 when the store refused it.
    void add(uint64_t seq) {
        if (seq == 0) {
            refused = true;
            return;
        }
        if (first_seq == 0) first_seq = seq;
        last_seq = seq;
    }
    void add(const DurableWrites& other) {
        if (other.refused) refused = true;
        if (other.first_seq != 0 && first_seq == 0) first_seq = other.first_seq;
        if (other.last_seq != 0) last_seq = other.last_seq;
    }
};

}  // namespace emqx
