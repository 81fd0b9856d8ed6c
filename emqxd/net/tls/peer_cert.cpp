#include "emqxd/net/tls/peer_cert.h"

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include "common/encoding/base64.h"

namespace emqx {

namespace {

std::vector<unsigned char> der(X509* cert) {
    int len = i2d_X509(cert, nullptr);
    if (len <= 0) return {};
    std::vector<unsigned char> out(static_cast<size_t>(len));
    unsigned char* p = out.data();
    i2d_X509(cert, &p);
    return out;
}

std::optional<std::string> commonName(X509* cert) {
    X509_NAME* name = X509_get_subject_name(cert);
    std::string out;
    bool any = false;
    for (int i = -1; (i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0;) {
        unsigned char* utf8 = nullptr;
        int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
        if (n < 0) continue;
        if (any) out += ',';  // as EMQX (esockd) joins several CNs
        out.append(reinterpret_cast<const char*>(utf8), static_cast<size_t>(n));
        OPENSSL_free(utf8);
        any = true;
    }
    if (!any) return std::nullopt;
    return out;
}

std::optional<std::string> distinguishedName(X509* cert) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    // RFC 2253/4514: reversed order, "," between RDNs, "+" inside one, escaped values.
    if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0) return std::nullopt;
    BUF_MEM* mem = nullptr;
    BIO_get_mem_ptr(bio.get(), &mem);
    return std::string(mem->data, mem->length);
}

std::optional<std::string> base64Der(X509* cert) {
    std::vector<unsigned char> d = der(cert);
    if (d.empty()) return std::nullopt;
    return base64Encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

std::optional<std::string> md5Der(X509* cert) {
    std::vector<unsigned char> d = der(cert);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (d.empty() || EVP_Digest(d.data(), d.size(), md, &md_len, EVP_md5(), nullptr) != 1) return std::nullopt;
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    size_t hex_len = 0;
    if (OPENSSL_buf2hexstr_ex(hex, sizeof hex, &hex_len, md, md_len, '\0') != 1) return std::nullopt;
    std::string out(hex, hex_len > 0 ? hex_len - 1 : 0);  // hex_len counts the NUL
    // OpenSSL writes upper case; EMQX's emqx_passwd:hash_data/2 gives lower case.
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::optional<std::string> peerCertField(X509* cert, PeerCertField field) {
    if (!cert) return std::nullopt;
    switch (field) {
        case PeerCertField::Cn: return commonName(cert);
        case PeerCertField::Dn: return distinguishedName(cert);
        case PeerCertField::Crt:
        case PeerCertField::Pem: return base64Der(cert);
        case PeerCertField::Md5: return md5Der(cert);
        case PeerCertField::Disabled: break;
    }
    return std::nullopt;
}

}  // namespace emqx
