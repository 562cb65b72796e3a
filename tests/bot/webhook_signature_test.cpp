#include "bot/channels/webhook_signature.h"

#include <openssl/evp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bot/channels/webhook_parse.h"

using namespace bhxh;
using nlohmann::json;

namespace {

const std::string kVectorDir = std::string(BHXH_TEST_SHARED_DIR) + "/test-vectors";

std::string ReadBinary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// SHA-256 straight from OpenSSL, independent of the code under test, to
// check that a body file is intact before its verdict is trusted.
std::string IndependentSha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  REQUIRE(EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) == 1);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

json LoadVectors() {
  const json v = json::parse(ReadBinary(kVectorDir + "/vectors.json"), nullptr, false);
  REQUIRE(v.is_object());
  REQUIRE(v["cases"].is_array());
  return v;
}

// The body of a case, after checking its length and digest against the case.
std::string VerifiedBody(const json& c, const std::string& key = "body_file") {
  const std::string body = ReadBinary(kVectorDir + "/" + c[key].get<std::string>());
  if (key == "body_file") {
    REQUIRE(body.size() == c["body_length"].get<size_t>());
    REQUIRE(IndependentSha256Hex(body) == c["body_sha256"].get<std::string>());
  }
  return body;
}

std::string Upper(std::string s) {
  for (char& ch : s) {
    if (ch >= 'a' && ch <= 'f') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return s;
}

const std::string kZaloAppId = "1234567890123456789";
const std::string kZaloSecret = "oa-secret-TEST-123";
const std::string kAppSecret = "app-secret-TEST-456";

std::string ZaloMac(const std::string& body, const std::string& timestamp) {
  return Sha256Hex(kZaloAppId + body + timestamp + kZaloSecret);
}

}  // namespace

TEST_CASE("every test vector header gets the verdict the vector file expects") {
  const json vectors = LoadVectors();
  size_t headers_checked = 0;
  for (const json& c : vectors["cases"]) {
    const std::string id = c["id"].get<std::string>();
    CAPTURE(id);
    const std::string body = VerifiedBody(c);
    const std::string secret = c["secret"].get<std::string>();
    for (const json& h : c["headers"]) {
      const std::string name = h["name"].get<std::string>();
      const std::string value = h["value"].get<std::string>();
      const bool expected = h["expected"].get<std::string>() == "valid";
      CAPTURE(name, value);
      if (c["platform"] == "zalo_oa") {
        REQUIRE(name == "X-ZEvent-Signature");
        CHECK(VerifyZaloSignature(body, value, c["app_id"].get<std::string>(), secret) == expected);
      } else if (name == "X-Hub-Signature-256") {
        CHECK(VerifyMessengerSignature(body, value, "", secret) == expected);
      } else {
        REQUIRE(name == "X-Hub-Signature");
        CHECK(VerifyMessengerSignature(body, "", value, secret) == expected);
      }
      ++headers_checked;
    }
  }
  CHECK(vectors["cases"].size() == 23);
  CHECK(headers_checked == 36);
}

TEST_CASE("both Messenger headers of a vector together verify, the -256 one deciding") {
  const json vectors = LoadVectors();
  for (const std::string id : {"messenger-02", "messenger-04"}) {
    CAPTURE(id);
    const json* c = nullptr;
    for (const json& each : vectors["cases"]) {
      if (each["id"] == id) c = &each;
    }
    REQUIRE(c != nullptr);
    const std::string body = VerifiedBody(*c);
    const std::string sig256 = (*c)["headers"][0]["value"].get<std::string>();
    const std::string sig1 = (*c)["headers"][1]["value"].get<std::string>();
    CHECK(VerifyMessengerSignature(body, sig256, sig1, kAppSecret));
    // A wrong -256 header is not rescued by a right sha1 one (no downgrade).
    std::string wrong256 = sig256;
    wrong256.back() = wrong256.back() == '0' ? '1' : '0';
    CHECK_FALSE(VerifyMessengerSignature(body, wrong256, sig1, kAppSecret));
  }
}

TEST_CASE("the digest helpers reproduce the vectors' digests and the RFC known answers") {
  const json vectors = LoadVectors();
  for (const json& c : vectors["cases"]) {
    const std::string id = c["id"].get<std::string>();
    CAPTURE(id);
    const std::string signed_file =
        c.contains("signed_body_file") ? "signed_body_file" : "body_file";
    const std::string signed_body = VerifiedBody(c, signed_file);
    const std::string secret = c.value("signed_with_secret", c["secret"].get<std::string>());
    for (const json& h : c["headers"]) {
      std::string value = h["value"].get<std::string>();
      const std::string name = h["name"].get<std::string>();
      CAPTURE(name, value);
      if (c["platform"] == "zalo_oa") {
        if (value.rfind("mac=", 0) == 0) value = value.substr(4);
        CHECK(Sha256Hex(c["app_id"].get<std::string>() + signed_body +
                        c["timestamp"].get<std::string>() + secret) == value);
      } else if (name == "X-Hub-Signature-256") {
        if (value.rfind("sha256=", 0) == 0) value = value.substr(7);
        CHECK(HmacSha256Hex(secret, signed_body) == value);
      } else {
        CHECK("sha1=" + HmacSha1Hex(secret, signed_body) == value);
      }
    }
    if (c["platform"] == "zalo_oa") {
      CHECK(ZaloBodyTimestamp(VerifiedBody(c)) == c["timestamp"].get<std::string>());
    }
  }
  // FIPS 180-2, RFC 4231 test case 2, RFC 2202 test case 2.
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(HmacSha1Hex("Jefe", "what do ya want for nothing?") ==
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST_CASE("Messenger signature headers are checked strictly, hex in either case") {
  const std::string body = R"({"object":"page","entry":[]})";
  const std::string hex256 = HmacSha256Hex(kAppSecret, body);
  const std::string hex1 = HmacSha1Hex(kAppSecret, body);
  auto [what, sig256, sig1, expected] =
      GENERATE_COPY(table<std::string, std::string, std::string, bool>({
          {"correct sha256", "sha256=" + hex256, "", true},
          {"uppercase hex accepted", "sha256=" + Upper(hex256), "", true},
          {"surrounding blanks ignored", " \tsha256=" + hex256 + " ", "", true},
          {"both headers empty", "", "", false},
          {"blank header", "   ", "", false},
          {"prefix only", "sha256=", "", false},
          {"missing prefix", hex256, "", false},
          {"uppercase prefix", "SHA256=" + hex256, "", false},
          {"sha1 prefix on the -256 header", "sha1=" + hex256, "", false},
          {"space after the prefix", "sha256= " + hex256, "", false},
          {"truncated hex", "sha256=" + hex256.substr(0, 63), "", false},
          {"one extra hex digit", "sha256=" + hex256 + "0", "", false},
          {"non-hex digit", "sha256=" + hex256.substr(0, 63) + "g", "", false},
          {"digest of another body", "sha256=" + HmacSha256Hex(kAppSecret, body + " "), "", false},
          {"sha1 digest in the -256 header", "sha256=" + hex1, "", false},
          {"legacy sha1 alone", "", "sha1=" + hex1, true},
          {"legacy sha1 uppercase", "", "sha1=" + Upper(hex1), true},
          {"legacy sha1 without prefix", "", hex1, false},
          {"legacy sha1 with the sha256 prefix", "", "sha256=" + hex1, false},
          {"legacy sha1 truncated", "", "sha1=" + hex1.substr(0, 39), false},
          {"wrong -256 with a right sha1", "sha256=" + std::string(64, '0'), "sha1=" + hex1, false},
          {"malformed -256 with a right sha1", "sha256", "sha1=" + hex1, false},
      }));
  CAPTURE(what, sig256, sig1);
  CHECK(VerifyMessengerSignature(body, sig256, sig1, kAppSecret) == expected);
}

TEST_CASE("one keyed verifier, shared by threads, gives every request its own verdict") {
  // The webhook route keeps one verifier for all server threads: each
  // Verify must work on its own copy of the keyed state.
  const MessengerSignatureVerifier verifier(kAppSecret);
  const MessengerSignatureVerifier copy = verifier;
  std::vector<std::string> bodies;
  for (int i = 0; i < 50; ++i)
    bodies.push_back(R"({"object":"page","n":)" + std::to_string(i) + "}");
  std::atomic<int> right{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const MessengerSignatureVerifier& v = t % 2 ? copy : verifier;
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < bodies.size(); ++i) {
          const std::string good = "sha256=" + HmacSha256Hex(kAppSecret, bodies[i]);
          const std::string other =
              "sha256=" + HmacSha256Hex(kAppSecret, bodies[(i + 1) % bodies.size()]);
          if (v.Verify(bodies[i], good, "")) ++right;
          if (v.Verify(bodies[i], other, "")) ++wrong;
          if (v.Verify(bodies[i], "", "sha1=" + HmacSha1Hex(kAppSecret, bodies[i]))) ++right;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(right == 4 * 20 * 50 * 2);
  CHECK(wrong == 0);
  CHECK_FALSE(MessengerSignatureVerifier("").Verify(bodies[0],
                                                    "sha256=" + HmacSha256Hex("", bodies[0]), ""));
}

TEST_CASE("an empty secret or app id never verifies, even against a digest made with it") {
  const std::string body = R"({"timestamp":"1718000000123"})";
  CHECK_FALSE(VerifyMessengerSignature(body, "sha256=" + HmacSha256Hex("", body), "", ""));
  CHECK_FALSE(VerifyMessengerSignature(body, "", "sha1=" + HmacSha1Hex("", body), ""));
  CHECK_FALSE(
      VerifyZaloSignature(body, Sha256Hex(kZaloAppId + body + "1718000000123"), kZaloAppId, ""));
  CHECK_FALSE(
      VerifyZaloSignature(body, Sha256Hex(body + "1718000000123" + kZaloSecret), "", kZaloSecret));
}

TEST_CASE("Zalo signature headers accept mac=<hex> and bare hex, and nothing looser") {
  const std::string body = R"({"event_name":"follow","timestamp":"1718000100456"})";
  const std::string hex = ZaloMac(body, "1718000100456");
  auto [what, header, expected] = GENERATE_COPY(table<std::string, std::string, bool>({
      {"mac= prefix", "mac=" + hex, true},
      {"bare hex", hex, true},
      {"uppercase hex", "mac=" + Upper(hex), true},
      {"uppercase prefix", "MAC=" + hex, true},
      {"spaces around the equals sign", "mac = " + hex, true},
      {"surrounding blanks", "  " + hex + "\t", true},
      {"empty header", "", false},
      {"prefix only", "mac=", false},
      {"colon instead of equals", "mac:" + hex, false},
      {"another prefix", "sha256=" + hex, false},
      {"truncated hex", "mac=" + hex.substr(0, 63), false},
      {"one extra hex digit", hex + "0", false},
      {"non-hex digit", hex.substr(0, 63) + "z", false},
      {"hex of the body alone", Sha256Hex(body), false},
      {"an HMAC instead of the plain hash",
       HmacSha256Hex(kZaloSecret, kZaloAppId + body + "1718000100456"), false},
  }));
  CAPTURE(what, header);
  CHECK(VerifyZaloSignature(body, header, kZaloAppId, kZaloSecret) == expected);
}

TEST_CASE("a Zalo signature covers the body's own timestamp, string or number") {
  auto [what, body, signed_timestamp, expected] =
      GENERATE(table<std::string, std::string, std::string, bool>({
          {"string timestamp", R"({"timestamp":"1718000000123"})", "1718000000123", true},
          {"number timestamp", R"({"timestamp":1718000000123})", "1718000000123", true},
          {"number timestamp signed with another value", R"({"timestamp":1718000000123})",
           "1718000000124", false},
          {"missing timestamp", R"({"event_name":"follow"})", "", false},
          {"empty timestamp", R"({"timestamp":""})", "", false},
          {"null timestamp", R"({"timestamp":null})", "null", false},
          {"fractional timestamp", R"({"timestamp":1718000000.5})", "1718000000.5", false},
          {"object timestamp", R"({"timestamp":{"ms":1}})", R"({"ms":1})", false},
          {"nested timestamp only", R"({"message":{"timestamp":"1"}})", "1", false},
          {"body not JSON", R"({"timestamp":"1718000000123")", "1718000000123", false},
          {"body a JSON array", R"(["timestamp","1718000000123"])", "1718000000123", false},
      }));
  CAPTURE(what, body);
  const std::string header = "mac=" + ZaloMac(body, signed_timestamp);
  CHECK(VerifyZaloSignature(body, header, kZaloAppId, kZaloSecret) == expected);
}

TEST_CASE("the body timestamp is read as text from a string or an integer") {
  auto [body, expected] = GENERATE(table<std::string, std::optional<std::string>>({
      {R"({"timestamp":"1718000000123"})", "1718000000123"},
      {R"({"timestamp":1718000000123})", "1718000000123"},
      {R"({"timestamp":"abc"})", "abc"},
      {R"({"timestamp":18446744073709551615})", "18446744073709551615"},
      {R"({"timestamp":-5})", "-5"},
      {R"({"timestamp":18446744073709551616})", std::nullopt},
      {R"({"timestamp":1.5})", std::nullopt},
      {R"({"timestamp":true})", std::nullopt},
      {R"({"timestamp":""})", std::nullopt},
      {R"({})", std::nullopt},
      {R"([])", std::nullopt},
      {"", std::nullopt},
      {"not json", std::nullopt},
  }));
  CAPTURE(body);
  CHECK(ZaloBodyTimestamp(body) == expected);
}
