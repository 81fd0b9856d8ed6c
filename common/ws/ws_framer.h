#pragma once
// RFC 6455 framing for either end of a WebSocket, on memory buffers: Debian's
// wslay parses every incoming frame (masking: the server takes only masked
// frames, the client only unmasked ones; fragmentation, control frames, close
// handshake, UTF-8 of close reasons) and answers pings and closes; binary
// payload is streamed out frame by frame (no message reassembly buffer).
// The server's outgoing data frames get their 2..10-byte header here and the
// payload is appended once; the client's are masked, so wslay writes them
// (with a key from OpenSSL's RAND_bytes). Pure code: fuzzed by
// tests/fuzz/ws_fuzz.cpp.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/ws/ws_role.h"

struct wslay_event_context;

namespace emqx::ws {

enum class CloseCause {
    None,        // open
    PeerClosed,  // the other end sent a close frame (normal)
    TooLarge,    // a frame over the limit (1009 sent)
    Protocol,    // a protocol violation: frame (un)masked wrongly, bad opcode... (1002 sent)
    NotBinary,   // a text frame: MQTT needs binary frames (1003 sent)
    LocalClose,  // we closed
};

class Framer {
public:
    // Frames whose payload exceeds `max_frame` close the stream (TooLarge).
    Framer(Role role, uint64_t max_frame);
    ~Framer();
    Framer(const Framer&) = delete;
    Framer& operator=(const Framer&) = delete;

    // Feeds wire bytes: binary payload goes to `payload`, frames to send back
    // (pong, close) to `wire`. Returns false once the stream has ended
    // (cause() says why); bytes after that are ignored.
    bool feed(const uint8_t* data, size_t len, std::string& payload, std::string& wire);
    // One binary frame holding `payload`, appended to `wire` (nothing after a close).
    void sendBinary(std::string_view payload, std::string& wire);
    // Server only (false for a client, whose payload must be masked): appends
    // a binary frame header for `length` payload bytes that the caller appends next.
    bool beginBinary(uint64_t length, std::string& wire);
    // Sends a close frame (once) with `code`.
    void close(uint16_t code, std::string& wire);
    CloseCause cause() const { return cause_; }
    bool open() const { return cause_ == CloseCause::None; }

    struct Io;  // the callbacks' view

private:
    void drainSends(std::string& wire);
    Role role_;
    wslay_event_context* ctx_ = nullptr;
    Io* io_ = nullptr;
    CloseCause cause_ = CloseCause::None;
};

}  // namespace emqx::ws
