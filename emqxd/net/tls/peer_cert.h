#pragma once
// What `mqtt.peer_cert_as_username` / `peer_cert_as_clientid` take from a
// client certificate, as EMQX 5's channel does (docs/security.md):
//   cn   the subject's commonName (several joined with ",")
//   dn   the subject as an RFC 4514 string, most specific first: "CN=c1,O=EMQ,C=SE"
//   crt  EMQX passes the DER bytes; an MQTT string must be UTF-8, so base64 of the DER
//   pem  EMQX's `base64:encode(DER)`: base64 of the DER on one line (no PEM armour)
//   md5  lower-case hex MD5 of the DER
// Pure functions of an X509: no connection state.
#include <openssl/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace emqx {

enum class PeerCertField { Disabled, Cn, Dn, Crt, Pem, Md5 };

// The config word (disabled | cn | dn | crt | pem | md5); Disabled for anything else.
PeerCertField parsePeerCertField(std::string_view word);

// The field of `cert`; nullopt when it has none (no commonName) or on a Disabled field.
std::optional<std::string> peerCertField(X509* cert, PeerCertField field);

}  // namespace emqx
