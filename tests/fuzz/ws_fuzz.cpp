// libFuzzer target: bytes -> the WebSocket upgrade parser, then the frame
// parser, as either end reads them (the broker: a request, masked frames; the
// bench client: a response, unmasked frames). The first byte picks the end,
// how the input is split into reads (upgrade parsing and framing must not
// depend on read boundaries) and the frame size limit. Never crashes; a
// stream that ended stays ended.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/ws/ws_framer.h"
#include "common/ws/ws_upgrade.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const size_t chunk = 1 + (data[0] & 0x1F);
    const uint64_t max_frame = (data[0] & 0x20) ? 64 : 1024 * 1024;
    const auto role = (data[0] & 0x40) ? emqx::ws::Role::Client : emqx::ws::Role::Server;
    ++data;
    --size;
    emqx::ws::UpgradeParser upgrade(role, 8 * 1024, "x-forwarded-for");
    size_t off = 0;
    bool upgraded = false;
    while (off < size && !upgraded) {
        size_t n = std::min(chunk, size - off);
        size_t used = 0;
        auto st = upgrade.feed(reinterpret_cast<const char*>(data + off), n, used);
        if (st == emqx::ws::ParseStatus::Bad) return 0;
        if (used > n) __builtin_trap();
        off += used;
        if (st == emqx::ws::ParseStatus::Done) {
            if (role == emqx::ws::Role::Server) {
                (void)emqx::ws::decideUpgrade(upgrade.request(), "/mqtt");
                (void)emqx::ws::firstForwardedAddress(upgrade.request().forwarded_for);
            } else {
                (void)emqx::ws::checkUpgradeResponse(upgrade.response(), "dGhlIHNhbXBsZSBub25jZQ==", "mqtt");
            }
            upgraded = true;  // frames follow whatever the decision (exercises the framer on any input)
        } else if (used < n) {
            __builtin_trap();  // NeedMore consumes everything it was given
        }
    }
    emqx::ws::Framer framer(role, max_frame);
    std::string payload, wire;
    bool open = true;
    while (off < size) {
        size_t n = std::min(chunk, size - off);
        bool now = framer.feed(data + off, n, payload, wire);
        if (now && !open) __builtin_trap();  // ended streams stay ended
        open = now;
        off += n;
        if (payload.size() > (1u << 22)) payload.clear();
    }
    if (payload.size() > size) __builtin_trap();  // payload is a subset of the input
    std::string out;
    framer.sendBinary(payload.substr(0, 300), out);
    framer.close(1000, out);
    return 0;
}
