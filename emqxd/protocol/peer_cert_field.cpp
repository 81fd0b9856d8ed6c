#include "emqxd/protocol/peer_cert_field.h"

namespace emqx {

PeerCertField parsePeerCertField(std::string_view word) {
    if (word == "cn") return PeerCertField::Cn;
    if (word == "dn") return PeerCertField::Dn;
    if (word == "crt") return PeerCertField::Crt;
    if (word == "pem") return PeerCertField::Pem;
    if (word == "md5") return PeerCertField::Md5;
    return PeerCertField::Disabled;
}

}  // namespace emqx
