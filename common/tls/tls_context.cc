#include "common/tls/tls_context.h"

#include <cstring>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "common/tls/certificate_utils.h"
#include "common/tls/client_session_cache.h"
#include "common/tls/session_ticket_keys.h"

namespace remora::tls {
namespace {

// Strong AEAD suites with forward secrecy only (Mozilla "intermediate" minus
// DHE): no CBC, no RSA key exchange, no SHA-1 MACs.
constexpr char kDefaultTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr char kDefaultTls13Ciphers[] =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr char kDefaultGroups[] = "X25519:P-256";
// Sessions kept per server context when resumption is stateful (about 1 KiB
// each plus the shared peer certificate).
constexpr long kServerSessionCacheSize = 1024;  // NOLINT(google-runtime-int): OpenSSL's type

int sslStateIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int sslCtxContextIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// Fetched once: EVP_aes_256_cbc() would make OpenSSL 3 look the
// implementation up again (name lookups under a lock) for every ticket.
const EVP_CIPHER* ticketCipher() {
  static const EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  return cipher;
}

int protoVersion(TlsVersion v, int auto_value) {
  switch (v) {
    case TlsVersion::Tls1_2: return TLS1_2_VERSION;
    case TlsVersion::Tls1_3: return TLS1_3_VERSION;
    case TlsVersion::Auto: break;
  }
  return auto_value;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ":") + item;
  return out;
}

}  // namespace

struct TlsContextCallbacks {
  static TlsConnectionState* state(SSL* ssl) {
    return static_cast<TlsConnectionState*>(SSL_get_ex_data(ssl, sslStateIndex()));
  }
  static const TlsContext* context(SSL* ssl) {
    return static_cast<const TlsContext*>(
        SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), sslCtxContextIndex()));
  }

  // Replaces OpenSSL's chain verification so that the reason of a refusal
  // (chain vs SAN) reaches the transport socket and its stats.
  static int verifyCertificate(X509_STORE_CTX* store_ctx, void*) {
    SSL* ssl = static_cast<SSL*>(
        X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
    TlsConnectionState* st = state(ssl);
    const TlsContext* ctx = context(ssl);
    if (X509_verify_cert(store_ctx) != 1) {
      st->verify_failure = TlsConnectionState::VerifyFailure::Chain;
      st->verify_detail = X509_verify_cert_error_string(X509_STORE_CTX_get_error(store_ctx));
      return 0;
    }
    X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
    // Parsed once per handshake: the transport socket takes these for the
    // peer identity instead of decoding the extension again.
    st->peer_uri_sans = uriSans(leaf);
    st->peer_uri_sans_parsed = true;
    if (!ctx->matchesSubjectAltNames(leaf, st->peer_uri_sans)) {
      st->verify_failure = TlsConnectionState::VerifyFailure::San;
      const auto& sans = st->peer_uri_sans;
      st->verify_detail = "no subject alt name matched (peer URI SANs: " +
                          (sans.empty() ? std::string("none") : join(sans)) + ")";
      X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_APPLICATION_VERIFICATION);
      return 0;
    }
    return 1;
  }

  // Server preference order, as Envoy does; no overlap means no ALPN rather
  // than a failed handshake, so plain TLS clients still connect.
  static int selectAlpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                        const unsigned char* in, unsigned int inlen, void*) {
    const std::string& ours = context(ssl)->alpn_wire_;
    unsigned char* selected = nullptr;
    if (SSL_select_next_proto(&selected, outlen, reinterpret_cast<const unsigned char*>(ours.data()),
                              static_cast<unsigned int>(ours.size()), in,
                              inlen) != OPENSSL_NPN_NEGOTIATED) {
      return SSL_TLSEXT_ERR_NOACK;
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }

  static int ticketKey(SSL* ssl, unsigned char key_name[16], unsigned char* iv,
                       EVP_CIPHER_CTX* cipher_ctx, EVP_MAC_CTX* mac_ctx, int encrypt) {
    SessionTicketKeys& keys = *context(ssl)->ticket_keys_;
    const EVP_CIPHER* cipher = ticketCipher();
    if (cipher == nullptr) return -1;
    std::optional<SessionTicketKeys::Key> key;
    bool is_current = true;
    if (encrypt == 1) {
      key = keys.encryptionKey();
      std::memcpy(key_name, key->name.data(), key->name.size());
      if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(cipher)) != 1) return -1;
    } else {
      key = keys.decryptionKey(key_name, is_current);
      if (!key) return 0;  // unknown or retired key: full handshake
    }
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key->hmac_key.data(),
                                          key->hmac_key.size()),
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
    if (EVP_MAC_CTX_set_params(mac_ctx, params) != 1) return -1;
    int ok = encrypt == 1
                 ? EVP_EncryptInit_ex(cipher_ctx, cipher, nullptr, key->aes_key.data(), iv)
                 : EVP_DecryptInit_ex(cipher_ctx, cipher, nullptr, key->aes_key.data(), iv);
    if (ok != 1) return -1;
    // 2 = accepted, but issue a new ticket. OpenSSL sends no NewSessionTicket
    // after a TLS 1.3 resumption unless asked to, and many TLS 1.3 clients
    // (OpenSSL's s_client, Envoy) use a ticket once: without a fresh one every
    // other connection of theirs would be a full handshake.
    if (!is_current || SSL_version(ssl) >= TLS1_3_VERSION) return 2;
    return 1;
  }

  static int newClientSession(SSL* ssl, SSL_SESSION* session) {
    TlsConnectionState* st = state(ssl);
    if (st == nullptr || st->session_cache == nullptr) return 0;
    st->session_cache->add(st->session_key, SslSessionPtr(session));
    return 1;  // the cache took the reference
  }
};

TlsContext::~TlsContext() = default;

Result<std::string> encodeAlpn(const std::vector<std::string>& protocols) {
  std::string out;
  for (const auto& p : protocols) {
    if (p.empty() || p.size() > 255) return makeError("invalid ALPN protocol '" + p + "'");
    out.push_back(static_cast<char>(p.size()));
    out += p;
  }
  return out;
}

Status TlsContext::initCommon(const CommonTlsContextConfig& common) {
  SSL_CTX* ctx = ctx_.get();
  SSL_CTX_set_ex_data(ctx, sslCtxContextIndex(), this);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Release idle record buffers: most mesh connections are idle most of the
  // time and each buffer is 16-34 KiB.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

  const TlsParamsConfig& params = common.tls_params;
  int min_version = protoVersion(params.minimum_protocol_version, TLS1_2_VERSION);
  int max_version = protoVersion(params.maximum_protocol_version, TLS1_3_VERSION);
  if (min_version > max_version) {
    return makeError("tls_params: minimum_protocol_version is above maximum_protocol_version");
  }
  SSL_CTX_set_min_proto_version(ctx, min_version);
  SSL_CTX_set_max_proto_version(ctx, max_version);

  std::vector<std::string> tls12;
  std::vector<std::string> tls13;
  for (const auto& suite : params.cipher_suites) {
    (suite.rfind("TLS_", 0) == 0 ? tls13 : tls12).push_back(suite);
  }
  // Checked one by one: OpenSSL accepts a list as long as one entry is known,
  // which would silently drop a misspelt suite.
  for (const auto& suite : tls12) {
    SslCtxPtr probe(SSL_CTX_new(TLS_method()));
    if (SSL_CTX_set_cipher_list(probe.get(), suite.c_str()) != 1) {
      ERR_clear_error();
      return makeError("tls_params.cipher_suites: unknown cipher suite '" + suite + "'");
    }
  }
  std::string list12 = tls12.empty() ? kDefaultTls12Ciphers : join(tls12);
  std::string list13 = tls13.empty() ? kDefaultTls13Ciphers : join(tls13);
  if (SSL_CTX_set_cipher_list(ctx, list12.c_str()) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, list13.c_str()) != 1) {
    std::string detail = drainOpenSslErrors();
    return makeError("tls_params.cipher_suites: " + detail);
  }
  std::string groups = params.ecdh_curves.empty() ? kDefaultGroups : join(params.ecdh_curves);
  if (SSL_CTX_set1_groups_list(ctx, groups.c_str()) != 1) {
    ERR_clear_error();
    return makeError("tls_params.ecdh_curves: unknown curve in '" + groups + "'");
  }

  if (!credentials_.chain.empty()) {
    if (SSL_CTX_use_certificate(ctx, credentials_.chain.front().get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx, credentials_.private_key.get()) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      return makeError("tls_certificates: " + drainOpenSslErrors());
    }
    for (size_t i = 1; i < credentials_.chain.size(); ++i) {
      SSL_CTX_add1_chain_cert(ctx, credentials_.chain[i].get());
    }
  }
  if (!credentials_.trusted.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    for (const auto& ca : credentials_.trusted) X509_STORE_add_cert(store, ca.get());
    SSL_CTX_set_cert_verify_callback(ctx, &TlsContextCallbacks::verifyCertificate, nullptr);
  }
  san_matchers_ = common.validation_context.match_typed_subject_alt_names;

  auto alpn = encodeAlpn(common.alpn_protocols);
  if (!alpn) return makeError("alpn_protocols: " + alpn.error().message);
  alpn_wire_ = std::move(*alpn);
  return okStatus();
}

Result<std::shared_ptr<const TlsContext>> TlsContext::createServer(
    const DownstreamTlsContextConfig& config, TlsCredentials credentials,
    std::shared_ptr<SessionTicketKeys> ticket_keys) {
  std::shared_ptr<TlsContext> out(new TlsContext());
  out->is_server_ = true;
  out->credentials_ = std::move(credentials);
  out->ticket_keys_ = std::move(ticket_keys);
  out->require_client_certificate_ = config.require_client_certificate;
  if (out->credentials_.chain.empty()) {
    return makeError("common_tls_context.tls_certificates: a server needs a certificate");
  }
  if (config.require_client_certificate && out->credentials_.trusted.empty()) {
    return makeError("require_client_certificate needs validation_context.trusted_ca");
  }
  out->ctx_.reset(SSL_CTX_new(TLS_server_method()));
  if (!out->ctx_) return makeError("SSL_CTX_new: " + drainOpenSslErrors());
  Status status = out->initCommon(config.common_tls_context);
  if (!status) return status.error();
  SSL_CTX* ctx = out->ctx_.get();

  if (out->verifiesPeer()) {
    int mode = SSL_VERIFY_PEER;
    if (config.require_client_certificate) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx, mode, nullptr);
    // Tell clients which roots we accept, so they pick the right certificate.
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    for (const auto& ca : out->credentials_.trusted) {
      sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(ca.get())));
    }
    SSL_CTX_set_client_CA_list(ctx, names);
  }
  if (!out->alpn_wire_.empty()) {
    SSL_CTX_set_alpn_select_cb(ctx, &TlsContextCallbacks::selectAlpn, nullptr);
  }

  SSL_CTX_set_timeout(ctx, static_cast<long>(config.session_timeout.count()));  // NOLINT
  // The session id context binds sessions to these credentials and
  // validation rules: after a CA or SAN-policy change old tickets no longer
  // resume and the peer is verified again.
  SSL_CTX_set_session_id_context(ctx,
                                 reinterpret_cast<const unsigned char*>(
                                     out->credentials_.fingerprint.data()),
                                 static_cast<unsigned int>(std::min<size_t>(
                                     out->credentials_.fingerprint.size(),
                                     SSL_MAX_SID_CTX_LENGTH)));
  if (!config.disable_stateless_session_resumption && out->ticket_keys_) {
    // Stateless tickets: no server-side cache to size or share.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, 1);
    SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, &TlsContextCallbacks::ticketKey);
  } else if (!config.disable_stateful_session_resumption) {
    // With SSL_OP_NO_TICKET, OpenSSL's TLS 1.3 tickets name a session kept
    // here (TLS 1.2 uses session ids). Cheaper than stateless tickets on
    // OpenSSL 3.0, which re-parses the peer certificate out of every ticket
    // it seals or opens; bounded, and lost on a credential rotation.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, kServerSessionCacheSize);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx, 1);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx, 0);
  }
  return std::shared_ptr<const TlsContext>(std::move(out));
}

Result<std::shared_ptr<const TlsContext>> TlsContext::createClient(
    const UpstreamTlsContextConfig& config, TlsCredentials credentials) {
  std::shared_ptr<TlsContext> out(new TlsContext());
  out->is_server_ = false;
  out->credentials_ = std::move(credentials);
  out->server_name_ = config.sni;
  out->ctx_.reset(SSL_CTX_new(TLS_client_method()));
  if (!out->ctx_) return makeError("SSL_CTX_new: " + drainOpenSslErrors());
  Status status = out->initCommon(config.common_tls_context);
  if (!status) return status.error();
  SSL_CTX* ctx = out->ctx_.get();
  SSL_CTX_set_verify(ctx, out->verifiesPeer() ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  // Sessions go to the factory's ClientSessionCache (through the callback),
  // never to OpenSSL's internal store, which would be per-context and lost on
  // every credential rotation.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, &TlsContextCallbacks::newClientSession);
  return std::shared_ptr<const TlsContext>(std::move(out));
}

Result<SslPtr> TlsContext::newSsl(TlsConnectionState& state) const {
  SslPtr ssl(SSL_new(ctx_.get()));
  if (!ssl) return makeError("SSL_new: " + drainOpenSslErrors());
  SSL_set_ex_data(ssl.get(), sslStateIndex(), &state);
  if (is_server_) {
    SSL_set_accept_state(ssl.get());
  } else {
    SSL_set_connect_state(ssl.get());
  }
  return ssl;
}

std::string TlsContext::certificateSerial() const {
  return credentials_.chain.empty() ? std::string() : serialHex(credentials_.chain.front().get());
}

bool TlsContext::matchesSubjectAltNames(X509* cert) const {
  return san_matchers_.empty() || matchesSubjectAltNames(cert, uriSans(cert));
}

bool TlsContext::matchesSubjectAltNames(X509* cert, const std::vector<std::string>& uris) const {
  if (san_matchers_.empty()) return true;
  std::vector<std::string> dns;
  bool dns_loaded = false;
  for (const SanMatcher& m : san_matchers_) {
    if (m.san_type == SanMatcher::SanType::Uri) {
      for (const auto& uri : uris) {
        if (m.matcher.match(uri)) return true;
      }
    } else {
      if (!dns_loaded) {
        dns = dnsSans(cert);
        dns_loaded = true;
      }
      for (const auto& name : dns) {
        if (m.matcher.match(name)) return true;
      }
    }
  }
  return false;
}

}  // namespace remora::tls
