#include "emqxd/net/tls/tls_transport.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "emqxd/net/tls/tls_context.h"

namespace emqx {

TlsTransport::TlsTransport(std::shared_ptr<TlsContext> ctx, std::string listener_id, int64_t handshake_deadline_ms)
    : ctx_(std::move(ctx)),
      listener_id_(std::move(listener_id)),
      engine_(ctx_->get(), tls::Role::Server),
      deadline_ms_(handshake_deadline_ms) {}

TlsTransport::~TlsTransport() = default;

ShutdownReason TlsTransport::classify(SSL* ssl, unsigned long err) {
    long verify = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    int reason = ERR_GET_REASON(err);
    if (ERR_GET_LIB(err) == ERR_LIB_SSL) {
        switch (reason) {
            case SSL_R_NO_SHARED_CIPHER:
            case SSL_R_NO_CIPHERS_AVAILABLE:
            case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM: return ShutdownReason::NoSuitableCipher;
            case SSL_R_UNSUPPORTED_PROTOCOL:
            case SSL_R_WRONG_VERSION_NUMBER:
            case SSL_R_VERSION_TOO_LOW:
            case SSL_R_VERSION_TOO_HIGH:
            case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION: return ShutdownReason::ProtocolVersion;
            case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
                // verify_peer + fail_if_no_peer_cert and no client certificate: OpenSSL sends a
                // handshake_failure alert (TLS 1.2; TLS 1.3 calls it certificate_required).
                return ShutdownReason::HandshakeFailure;
            case SSL_R_CERTIFICATE_VERIFY_FAILED:
                switch (verify) {
                    case X509_V_ERR_CERT_HAS_EXPIRED:
                    case X509_V_ERR_CERT_NOT_YET_VALID: return ShutdownReason::CertificateExpired;
                    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
                    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
                    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
                    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
                    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
                    case X509_V_ERR_CERT_SIGNATURE_FAILURE: return ShutdownReason::UnknownCa;
                    case X509_V_ERR_CERT_REVOKED:  // enable_crl_check: the issuer's CRL lists it
                        return ShutdownReason::CertificateRevoked;
                    default: return ShutdownReason::HandshakeFailure;
                }
            case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
            case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED: return ShutdownReason::HandshakeFailure;
            case SSL_R_TLSV1_ALERT_UNKNOWN_CA: return ShutdownReason::UnknownCa;
            case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED: return ShutdownReason::CertificateExpired;
            case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED: return ShutdownReason::CertificateRevoked;
            default: break;
        }
    }
    return ShutdownReason::SslError;
}

bool TlsTransport::input(const char* data, size_t len, std::string& plain, std::string& wire,
                         TransportFailure& failure) {
    if (failed_) return false;
    engine_.feed(data, len);
    if (!handshake_done_) {
        const tls::Status st = engine_.handshake();
        if (st == tls::Status::WantMore) {
            engine_.drain(wire);
            return true;
        }
        if (st != tls::Status::Ok) {
            SSL* ssl = engine_.ssl();
            unsigned long err = ERR_peek_error();
            failure.why = st == tls::Status::Closed ? ShutdownReason::SslClosed : classify(ssl, err);
            char buf[256] = "";
            if (err) ERR_error_string_n(err, buf, sizeof buf);
            long verify = SSL_get_verify_result(ssl);
            failure.msg = "ssl_handshake_error";
            failure.warning =
                "listener " + listener_id_ + ": TLS handshake failed (" + buf +
                (verify != X509_V_OK ? std::string("; certificate: ") + X509_verify_cert_error_string(verify) : "") +
                ")";
            ERR_clear_error();
            failed_ = true;
            engine_.drain(wire);  // the alert
            return false;
        }
        handshake_done_ = true;
    }
    const tls::Status st = engine_.read(plain);
    if (st != tls::Status::Ok) {
        failed_ = true;
        if (st == tls::Status::Closed) {
            failure.why = ShutdownReason::SslClosed;
        } else {
            unsigned long err = ERR_peek_error();
            failure.why = ShutdownReason::SslError;
            char ebuf[256] = "";
            if (err) ERR_error_string_n(err, ebuf, sizeof ebuf);
            failure.msg = "ssl_error";
            failure.warning = "listener " + listener_id_ + ": " + ebuf;
        }
        ERR_clear_error();
        engine_.drain(wire);
        return false;
    }
    engine_.drain(wire);
    return true;
}

void TlsTransport::output(const std::vector<uv_buf_t>& plain, std::string& wire) {
    if (failed_) return;
    for (const uv_buf_t& b : plain) {
        if (b.len == 0) continue;
        engine_.write(b.base, b.len);
        engine_.drain(wire);
    }
}

std::optional<std::string> TlsTransport::peerCertField(PeerCertField f) const {
    if (!handshake_done_) return std::nullopt;
    // Kept by OpenSSL in the session (also a resumed one) for as long as the SSL lives.
    return emqx::peerCertField(SSL_get0_peer_certificate(engine_.ssl()), f);
}

void TlsTransport::shutdown(ShutdownReason, std::string& wire) {
    if (failed_ || !handshake_done_) return;
    engine_.shutdown();
    engine_.drain(wire);
}

}  // namespace emqx
