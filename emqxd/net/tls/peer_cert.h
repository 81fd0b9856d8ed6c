#pragma once
// What `mqtt.peer_cert_as_username` / `peer_cert_as_clientid` take from a
// client certificate, as EMQX 5's channel does (docs/security.md):
//   cn   the subject's commonName (several joined with ",")
//   dn   the subject as an RFC 4514 string, most specific first: "CN=c1,O=EMQ,C=SE"
//   crt  EMQX passes the DER bytes; an MQTT string must be UTF-8, so base64 of the DER
//   pem  EMQX's `base64:encode(DER)`: base64 of the DER on one line (no PEM armour)
//   md5  lower-case hex MD5 of the DER
// A pure function of an X509: no connection state.
#include <openssl/types.h>

#include <optional>
#include <string>

#include "emqxd/protocol/peer_cert_field.h"

namespace emqx {

// The field of `cert`; nullopt when it has none (no commonName) or on a Disabled field.
std::optional<std::string> peerCertField(X509* cert, PeerCertField field);

}  // namespace emqx
