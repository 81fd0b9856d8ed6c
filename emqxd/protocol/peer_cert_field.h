#pragma once
// Which field of the client's certificate `mqtt.peer_cert_as_username` /
// `peer_cert_as_clientid` take (the channel asks its connection for it;
// net/tls/peer_cert.h reads it from the certificate).
#include <string_view>

namespace emqx {

enum class PeerCertField { Disabled, Cn, Dn, Crt, Pem, Md5 };

// The config word (disabled | cn | dn | crt | pem | md5); Disabled for anything else.
PeerCertField parsePeerCertField(std::string_view word);

}  // namespace emqx
