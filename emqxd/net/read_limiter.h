#pragma once
// A connection's messages_rate and bytes_rate (EMQX's per-client limiters):
// what the client sends is read no faster than the rates allow. Beyond them
// the broker stops reading the socket until the buckets refill (TCP flow
// control then slows the client); nothing is dropped. A Connection holds one
// only when its listener sets a rate, so the default costs a null pointer.
// Owner: the connection's worker thread.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/config/value_parsers.h"
#include "emqxd/net/token_bucket.h"

namespace emqx {

struct ReadLimiter {
    ReadLimiter(const config::Rate& messages_rate, const config::Rate& bytes_rate, int64_t now_ms) {
        if (!messages_rate.unlimited()) messages.emplace(messages_rate.amount, messages_rate.period_ms, now_ms);
        if (!bytes_rate.unlimited()) bytes.emplace(bytes_rate.amount, bytes_rate.period_ms, now_ms);
    }

    // The most bytes the next socket read may take (at least 1: a read is only
    // started while the bucket holds a token).
    size_t readSize(int64_t now_ms, size_t max) {
        if (!bytes) return max;
        int64_t n = bytes->available(now_ms);
        return n < 1 ? 1 : static_cast<size_t>(n) < max ? static_cast<size_t>(n) : max;
    }

    // Counts bytes read from the socket; true when the bucket is dry after them.
    bool takeBytes(int64_t now_ms, size_t n) {
        if (!bytes) return false;
        bytes->take(now_ms, static_cast<int64_t>(n));
        return bytes->available(now_ms) < 1;
    }

    // Takes a token for one PUBLISH; false when the client is over messages_rate.
    bool takeMessage(int64_t now_ms) { return !messages || messages->tryTake(now_ms); }

    // When reading may resume: every bucket holds enough again.
    int64_t readyAt(int64_t now_ms) {
        int64_t at = now_ms;
        if (messages) at = std::max(at, messages->readyAt(now_ms));
        if (bytes) at = std::max(at, bytes->readyAt(now_ms));
        return at;
    }

    std::optional<TokenBucket> messages;
    std::optional<TokenBucket> bytes;
    int64_t paused_until_ms = -1;  // -1: reading
};

}  // namespace emqx
