#include "common/mqtt/packet.h"

#include <type_traits>

namespace emqx::mqtt {

std::string_view packetTypeName(PacketType type) {
    switch (type) {
        case PacketType::Connect: return "CONNECT";
        case PacketType::Connack: return "CONNACK";
        case PacketType::Publish: return "PUBLISH";
        case PacketType::Puback: return "PUBACK";
        case PacketType::Pubrec: return "PUBREC";
        case PacketType::Pubrel: return "PUBREL";
        case PacketType::Pubcomp: return "PUBCOMP";
        case PacketType::Subscribe: return "SUBSCRIBE";
        case PacketType::Suback: return "SUBACK";
        case PacketType::Unsubscribe: return "UNSUBSCRIBE";
        case PacketType::Unsuback: return "UNSUBACK";
        case PacketType::Pingreq: return "PINGREQ";
        case PacketType::Pingresp: return "PINGRESP";
        case PacketType::Disconnect: return "DISCONNECT";
        case PacketType::Auth: return "AUTH";
    }
    return "UNKNOWN";
}

PacketType packetType(const Packet& packet) {
    return std::visit(
        [](const auto& p) -> PacketType {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, Connect>) return PacketType::Connect;
            else if constexpr (std::is_same_v<T, Connack>) return PacketType::Connack;
            else if constexpr (std::is_same_v<T, Publish>) return PacketType::Publish;
            else if constexpr (std::is_same_v<T, PubResponse>) return p.type;
            else if constexpr (std::is_same_v<T, Subscribe>) return PacketType::Subscribe;
            else if constexpr (std::is_same_v<T, Suback>) return PacketType::Suback;
            else if constexpr (std::is_same_v<T, Unsubscribe>) return PacketType::Unsubscribe;
            else if constexpr (std::is_same_v<T, Unsuback>) return PacketType::Unsuback;
            else if constexpr (std::is_same_v<T, Pingreq>) return PacketType::Pingreq;
            else if constexpr (std::is_same_v<T, Pingresp>) return PacketType::Pingresp;
            else if constexpr (std::is_same_v<T, Disconnect>) return PacketType::Disconnect;
            else return PacketType::Auth;
        },
        packet);
}

}  // namespace emqx::mqtt
