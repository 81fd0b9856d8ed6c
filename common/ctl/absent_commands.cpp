#include "common/ctl/absent_commands.h"

#include <array>

namespace emqx::ctl {

namespace {

constexpr std::array kAbsent{
    AbsentSpec{"a2a_registry", "", "there is no agent registry"},
    AbsentSpec{"cluster_call", "", kNoClusterYet},
    AbsentSpec{"conf", "", "the configuration is etc/emqx.toml, read at start"},
    AbsentSpec{"data", "", "there is no data export or import"},
    AbsentSpec{"ds", "", "there is no durable storage cluster: durable state lives in node.data_dir (docs/storage.md)"},
    AbsentSpec{"eviction", "", kNoClusterYet},
    AbsentSpec{"exclusive", "", "there are no exclusive subscriptions"},
    AbsentSpec{"gateway", "", "there are no gateways: MQTT over TCP, TLS and WebSocket only"},
    AbsentSpec{"gateway-clients", "", "there are no gateways: MQTT over TCP, TLS and WebSocket only"},
    AbsentSpec{"gateway-metrics", "", "there are no gateways: MQTT over TCP, TLS and WebSocket only"},
    AbsentSpec{"gateway-registry", "", "there are no gateways: MQTT over TCP, TLS and WebSocket only"},
    AbsentSpec{"mnesia", "", "there is no Mnesia: state lives in node.data_dir (docs/storage.md)"},
    AbsentSpec{"mt", "", "there is no multi-tenancy"},
    AbsentSpec{"observer", "", "there is no Erlang VM to observe; see vm and broker stats"},
    AbsentSpec{"olp", "", "there is no overload protection to switch at run time"},
    AbsentSpec{"plugins", "", "there is no plugin system"},
    AbsentSpec{"rebalance", "", kNoClusterYet},
    AbsentSpec{"rules", "", "there is no rule engine"},
    AbsentSpec{"session-top", "", "there is no session-top scan; see clients list --json"},
    AbsentSpec{"clients", "stats", "there is no CSV dump; see clients list --json"},
    AbsentSpec{"cluster", "core", kNoClusterYet},
    AbsentSpec{"cluster", "discovery", kNoClusterYet},
    AbsentSpec{"listeners", "enable", "listeners are enabled in etc/emqx.toml; use listeners stop|start at run time"},
    AbsentSpec{"log", "handlers", "the console and file logs are set together with log set-level"},
    AbsentSpec{"log", "outputs", "the console and file logs are set together with log set-level"},
    AbsentSpec{"retainer", "reindex", "retained messages have no indices to rebuild"},
    AbsentSpec{"vm", "ports", "there are no Erlang ports; see vm io for file descriptors"},
};

}  // namespace

std::span<const AbsentSpec> absentTable() { return kAbsent; }

const AbsentSpec* findAbsent(std::string_view group, std::string_view verb) {
    for (const auto& a : kAbsent)
        if (a.group == group && (a.verb.empty() || a.verb == verb)) return &a;
    return nullptr;
}

}  // namespace emqx::ctl
