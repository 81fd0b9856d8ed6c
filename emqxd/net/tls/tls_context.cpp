#include "emqxd/net/tls/tls_context.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cstdio>
#include <ctime>

#include "common/config/config_keys.h"

namespace emqx {

namespace {

std::string sslErrors() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out.empty() ? "unknown error" : out;
}

bool readable(const std::string& path) {
    if (FILE* f = std::fopen(path.c_str(), "r")) {
        std::fclose(f);
        return true;
    }
    return false;
}

// The CRLs of `crlfile` go into the context's trust store, and every client
// certificate is checked against its issuer's CRL (X509_V_FLAG_CRL_CHECK).
// Only the client's own certificate is checked, not the intermediate CAs
// (X509_V_FLAG_CRL_CHECK_ALL would refuse every client whose chain has a CA
// without a CRL in the file, root included in practice). With the flag, a
// client whose issuer has no CRL in the file is refused too ("unable to get
// certificate CRL"): the file must hold a CRL from every CA that issues client
// certificates.
bool loadCrls(SSL_CTX* ctx, const config::SslOptions& o, const std::string& where, const std::string& key,
              std::string& error) {
    if (o.crlfile.empty()) {
        error = where + key + "enable_crl_check = true needs " + key + "crlfile (a PEM file of CRLs)";
        return false;
    }
    if (o.verify != "verify_peer") {
        error = where + key + "enable_crl_check = true needs " + key + "verify = \"verify_peer\"";
        return false;
    }
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
    // X509_load_crl_file returns how many CRLs it added: 0 is an empty or unparsable file.
    if (!lookup || X509_load_crl_file(lookup, o.crlfile.c_str(), X509_FILETYPE_PEM) <= 0) {
        error = where + "cannot load " + key + "crlfile \"" + o.crlfile + "\": " +
                (readable(o.crlfile) ? "no PEM CRL in it (" + sslErrors() + ")" : std::string("cannot read the file"));
        return false;
    }
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
    return true;
}

// notAfter of the certificate in use, as Unix seconds; 0 if OpenSSL cannot read it.
int64_t notAfterSeconds(SSL_CTX* ctx) {
    const X509* cert = SSL_CTX_get0_certificate(ctx);
    std::tm tm{};
    if (!cert || ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return 0;
    return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::forListener(const config::ListenerConfig& lc, std::string& error) {
    return create(lc.ssl_options, "listener " + lc.id() + ": ",
                  "listeners." + lc.type + "." + lc.name + ".ssl_options.", error);
}

std::shared_ptr<TlsContext> TlsContext::create(const config::SslOptions& o, const std::string& where,
                                               const std::string& key, std::string& error) {
    if (o.certfile.empty()) {
        error = where + key + "certfile is not set (a TLS listener needs a certificate)";
        return nullptr;
    }
    if (o.keyfile.empty()) {
        error = where + key + "keyfile is not set";
        return nullptr;
    }
    if (o.verify == "verify_peer" && o.cacertfile.empty()) {
        error = where + key + "cacertfile is not set (verify_peer checks client certificates against it)";
        return nullptr;
    }
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        error = where + "SSL_CTX_new: " + sslErrors();
        return nullptr;
    }
    std::shared_ptr<TlsContext> holder(new TlsContext(ctx));
    auto fileError = [&](const char* k, const std::string& file) -> std::shared_ptr<TlsContext> {
        error = where + "cannot load " + key + k + " \"" + file +
                "\": " + (readable(file) ? sslErrors() : std::string("cannot read the file"));
        return nullptr;
    };
    if (SSL_CTX_use_certificate_chain_file(ctx, o.certfile.c_str()) != 1) return fileError("certfile", o.certfile);
    auto keyMismatch = [&]() -> std::shared_ptr<TlsContext> {
        error = where + key + "keyfile \"" + o.keyfile + "\" does not match certfile \"" + o.certfile + "\"";
        return nullptr;
    };
    if (SSL_CTX_use_PrivateKey_file(ctx, o.keyfile.c_str(), SSL_FILETYPE_PEM) != 1) {
        // OpenSSL compares the key with the certificate already loaded, and says so in its own words.
        unsigned long e = ERR_peek_last_error();
        if (ERR_GET_LIB(e) == ERR_LIB_X509 && ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH) return keyMismatch();
        return fileError("keyfile", o.keyfile);
    }
    if (SSL_CTX_check_private_key(ctx) != 1) return keyMismatch();
    holder->cert_expiry_at_ = notAfterSeconds(ctx);
    if (!o.cacertfile.empty()) {
        if (SSL_CTX_load_verify_locations(ctx, o.cacertfile.c_str(), nullptr) != 1)
            return fileError("cacertfile", o.cacertfile);
        // The CA names a client is told to pick its certificate by.
        if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.cacertfile.c_str()))
            SSL_CTX_set_client_CA_list(ctx, names);
    }
    if (o.enable_crl_check && !loadCrls(ctx, o, where, key, error)) return nullptr;
    int mode = SSL_VERIFY_NONE;
    if (o.verify == "verify_peer") {
        mode = SSL_VERIFY_PEER;
        if (o.fail_if_no_peer_cert) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    }
    SSL_CTX_set_verify(ctx, mode, nullptr);

    int min_v = 0, max_v = 0;
    for (const std::string& v : config::listItems(o.versions)) {
        int n = v == "tlsv1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
        if (min_v == 0 || n < min_v) min_v = n;
        if (n > max_v) max_v = n;
    }
    if (min_v == 0) min_v = max_v = TLS1_2_VERSION;
    SSL_CTX_set_min_proto_version(ctx, min_v);
    SSL_CTX_set_max_proto_version(ctx, max_v);

    if (!o.ciphers.empty()) {
        std::string v12, v13;
        for (const std::string& c : config::listItems(o.ciphers)) {
            std::string& dst = c.rfind("TLS_", 0) == 0 ? v13 : v12;
            dst += (dst.empty() ? "" : ":") + c;
        }
        // A list naming only one kind leaves the other kind empty (EMQX: only what is listed).
        if (SSL_CTX_set_cipher_list(ctx, v12.empty() ? "" : v12.c_str()) != 1 && !v12.empty()) {
            error = where + key + "ciphers: no usable TLS 1.2 cipher in \"" + v12 + "\"";
            return nullptr;
        }
        if (SSL_CTX_set_ciphersuites(ctx, v13.c_str()) != 1) {
            error = where + key + "ciphers: no usable TLS 1.3 suite in \"" + v13 + "\"";
            return nullptr;
        }
        ERR_clear_error();
    }
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    if (o.reuse_sessions) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
        static const unsigned char sid_ctx[] = "emqxd";
        SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof sid_ctx - 1);
        SSL_CTX_set_num_tickets(ctx, 2);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        SSL_CTX_set_num_tickets(ctx, 0);
    }
    return holder;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace emqx
