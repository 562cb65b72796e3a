#include "bot/channels/webhook_signature.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <optional>
#include <vector>

#include "bot/channels/webhook_parse.h"

namespace bhxh {
namespace {

constexpr std::string_view kSha256Prefix = "sha256=";
constexpr std::string_view kSha1Prefix = "sha1=";
constexpr size_t kSha256Bytes = 32;
constexpr size_t kSha1Bytes = 20;

std::string ToHex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Header hex -> bytes; nullopt unless it is exactly `bytes` bytes of hex
// (either case). Decoding to bytes first lets the comparison itself be a
// plain constant-time memcmp whatever case the sender used.
std::optional<std::vector<unsigned char>> DecodeHex(std::string_view hex, size_t bytes) {
  if (hex.size() != bytes * 2) return std::nullopt;
  std::vector<unsigned char> out(bytes);
  for (size_t i = 0; i < bytes; ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return out;
}

// HTTP allows optional whitespace around a field value; some servers keep it.
std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (s->substr(0, prefix.size()) != prefix) return false;
  s->remove_prefix(prefix.size());
  return true;
}

bool HmacBytes(const EVP_MD* md, std::string_view key, std::string_view message, unsigned char* out,
               unsigned int* out_len) {
  // HMAC() with a null key pointer and zero length is valid in OpenSSL, but
  // key.data() of an empty view may be null; pass a real pointer anyway.
  static const unsigned char kEmpty = 0;
  const void* key_ptr = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  const auto* msg_ptr =
      message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  return HMAC(md, key_ptr, static_cast<int>(key.size()), msg_ptr, message.size(), out, out_len) !=
         nullptr;
}

}  // namespace

// An HMAC context keyed once; each Matches() works on a copy of it.
class MessengerSignatureVerifier::KeyedHmac {
 public:
  // Null when OpenSSL cannot provide HMAC with `digest` ("SHA256", "SHA1").
  static std::shared_ptr<const KeyedHmac> Make(const char* digest, std::string_view key,
                                               size_t digest_bytes) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) return nullptr;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context keeps its own reference
    if (ctx == nullptr) return nullptr;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) !=
        1) {
      EVP_MAC_CTX_free(ctx);
      return nullptr;
    }
    return std::shared_ptr<const KeyedHmac>(new KeyedHmac(ctx, digest_bytes));
  }
  ~KeyedHmac() { EVP_MAC_CTX_free(keyed_); }
  KeyedHmac(const KeyedHmac&) = delete;
  KeyedHmac& operator=(const KeyedHmac&) = delete;

  // Constant-time check of `hex_header` (already without its prefix)
  // against the HMAC of `body`.
  bool Matches(std::string_view hex_header, std::string_view body) const {
    const auto expected_from_header = DecodeHex(hex_header, digest_bytes_);
    if (!expected_from_header) return false;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed_);
    if (ctx == nullptr) return false;
    static const unsigned char kEmpty = 0;
    const auto* data = body.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(body.data());
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;
    const bool ok = EVP_MAC_update(ctx, data, body.size()) == 1 &&
                    EVP_MAC_final(ctx, mac, &mac_len, sizeof mac) == 1 && mac_len == digest_bytes_;
    EVP_MAC_CTX_free(ctx);
    return ok && CRYPTO_memcmp(mac, expected_from_header->data(), digest_bytes_) == 0;
  }

 private:
  KeyedHmac(EVP_MAC_CTX* keyed, size_t digest_bytes) : keyed_(keyed), digest_bytes_(digest_bytes) {}
  EVP_MAC_CTX* keyed_;
  size_t digest_bytes_;
};

namespace {

bool Sha256Bytes(std::string_view message, unsigned char* out) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  unsigned int len = 0;
  const bool ok = EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, message.data(), message.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == kSha256Bytes;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HmacBytes(EVP_sha256(), key, message, mac, &len)) return "";
  return ToHex(mac, len);
}

std::string HmacSha1Hex(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HmacBytes(EVP_sha1(), key, message, mac, &len)) return "";
  return ToHex(mac, len);
}

std::string Sha256Hex(std::string_view message) {
  unsigned char digest[kSha256Bytes];
  if (!Sha256Bytes(message, digest)) return "";
  return ToHex(digest, kSha256Bytes);
}

MessengerSignatureVerifier::MessengerSignatureVerifier(std::string_view app_secret) {
  // An empty secret is a configuration error; an HMAC keyed with it can be
  // computed by anyone, so it must never verify.
  if (app_secret.empty()) return;
  sha256_ = KeyedHmac::Make("SHA256", app_secret, kSha256Bytes);
  sha1_ = KeyedHmac::Make("SHA1", app_secret, kSha1Bytes);
}

bool MessengerSignatureVerifier::Verify(std::string_view raw_body, std::string_view signature_256,
                                        std::string_view signature_sha1) const {
  signature_256 = TrimOws(signature_256);
  if (!signature_256.empty()) {
    // Never fall back to sha1 when -256 is present: a downgrade to the weaker
    // header must not rescue a wrong -256 one.
    if (!ConsumePrefix(&signature_256, kSha256Prefix)) return false;
    return sha256_ && sha256_->Matches(signature_256, raw_body);
  }
  signature_sha1 = TrimOws(signature_sha1);
  if (signature_sha1.empty() || !ConsumePrefix(&signature_sha1, kSha1Prefix)) return false;
  return sha1_ && sha1_->Matches(signature_sha1, raw_body);
}

bool VerifyMessengerSignature(std::string_view raw_body, std::string_view signature_256,
                              std::string_view signature_sha1, std::string_view app_secret) {
  return MessengerSignatureVerifier(app_secret).Verify(raw_body, signature_256, signature_sha1);
}

bool VerifyZaloSignature(std::string_view raw_body, std::string_view header,
                         std::string_view app_id, std::string_view oa_secret_key) {
  if (app_id.empty() || oa_secret_key.empty()) return false;
  header = TrimOws(header);
  // "mac=<hex>" as third-party code splits it, or bare hex; the docs' own
  // line "mac = sha256(...)" suggests spaces around '=' may occur too.
  if (ConsumePrefix(&header, "mac") || ConsumePrefix(&header, "MAC")) {
    header = TrimOws(header);
    if (!ConsumePrefix(&header, "=")) return false;
    header = TrimOws(header);
  }
  const auto from_header = DecodeHex(header, kSha256Bytes);
  if (!from_header) return false;
  const std::optional<std::string> timestamp = ZaloBodyTimestamp(raw_body);
  if (!timestamp) return false;

  std::string input;
  input.reserve(app_id.size() + raw_body.size() + timestamp->size() + oa_secret_key.size());
  input.append(app_id).append(raw_body).append(*timestamp).append(oa_secret_key);
  unsigned char digest[kSha256Bytes];
  const bool hashed = Sha256Bytes(input, digest);
  OPENSSL_cleanse(input.data(), input.size());  // it holds the secret
  return hashed && CRYPTO_memcmp(digest, from_header->data(), kSha256Bytes) == 0;
}

}  // namespace bhxh
