#pragma once
// What a Channel needs from the connection it speaks for, as Session reaches
// its client through DeliverySink: the channel's MQTT rules run the same over
// a socket (net/Connection) or without one (the channel's unit tests).
// Owner: the worker thread of the connection.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/config/broker_config.h"
#include "common/mqtt/shutdown_reason.h"
#include "emqxd/protocol/output_buffer.h"
#include "emqxd/protocol/peer_cert_field.h"
#include "emqxd/runtime/deadline_queue.h"

namespace emqx {

class ConnectionPort {
public:
    virtual ~ConnectionPort() = default;

    virtual uint64_t id() const = 0;
    virtual const std::string& peer() const = 0;
    virtual int64_t connectedAtMs() const = 0;
    virtual const config::ListenerConfig& listenerConfig() const = 0;
    // A field of the client's TLS certificate; nullopt on plain TCP / WS or without one.
    virtual std::optional<std::string> peerCertField(PeerCertField f) const = 0;

    // Where packets for the client are queued; written at the end of the loop
    // iteration once wantFlush() marked the connection.
    virtual OutputBuffer& output() = 0;
    // Output not yet acknowledged by the kernel.
    virtual size_t pendingBytes() const = 0;
    virtual void wantFlush() = 0;

    virtual bool closing() const = 0;
    // Closes with `reason` once queued output is written (idempotent).
    virtual void close(ShutdownReason reason) = 0;
    // Closes without waiting for queued output (after a send timeout).
    virtual void forceClose() = 0;
    // A CONNECT that waited for its password check was decided: parse what
    // arrived meanwhile, or move to the worker owning the session.
    virtual void connectDecided() = 0;

    // For the channel's deadline (keepalive, rate limits, send timeout).
    virtual int64_t lastReceivedMs() const = 0;
    virtual int64_t readPausedUntilMs() const = 0;  // -1: reading is not paused
    virtual bool sendTimedOut(int64_t now_ms) const = 0;

    // The connection's entry in its worker's deadline queue.
    DeadlineSlot deadline_slot;
};

}  // namespace emqx
