// Tests for sha256.h: the FIPS 180-4 example vectors and inputs whose lengths sit on the
// padding boundaries (55/56 and 119/120 bytes decide between one and two final blocks).
#include "sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

namespace blankett {
namespace {

TEST(Sha256, FipsVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjk"
                       "lmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, OneMillionA) {
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingBoundaries) {
  EXPECT_EQ(sha256_hex(std::string(55, 'x')),
            "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
  EXPECT_EQ(sha256_hex(std::string(56, 'x')),
            "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
  EXPECT_EQ(sha256_hex(std::string(63, 'x')),
            "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2");
  EXPECT_EQ(sha256_hex(std::string(64, 'x')),
            "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
  EXPECT_EQ(sha256_hex(std::string(65, 'x')),
            "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9");
  EXPECT_EQ(sha256_hex(std::string(119, 'x')),
            "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c");
  EXPECT_EQ(sha256_hex(std::string(120, 'x')),
            "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98");
}

TEST(Sha256, HashesBytesNotCharacters) {
  EXPECT_EQ(sha256_hex("blankett \xC3\xA5\xC3\xA4\xC3\xB6"),
            "d54d70f93b0dc001dbfc6d70926fe6e488157e7eb26847470d9977f983313f34");
  // Embedded NUL bytes are part of the data.
  EXPECT_NE(sha256_hex(std::string("a\0b", 3)), sha256_hex("ab"));
}

TEST(Sha256, RawDigestMatchesHex) {
  const auto digest = sha256("abc");
  EXPECT_EQ(digest[0], 0xba);
  EXPECT_EQ(digest[1], 0x78);
  EXPECT_EQ(digest[31], 0xad);
}

// sha256() may run on the processor's SHA instructions (sha256.cc); every length up to
// three blocks and then some, and random bytes, must give the portable rounds' digest.
TEST(Sha256, ProcessorInstructionsAgreeWithPortableRounds) {
  std::mt19937 random(20261204);
  std::string data;
  for (size_t length = 0; length <= 300; ++length) {
    ASSERT_EQ(sha256(data), sha256_portable(data)) << "length " << length;
    data.push_back(static_cast<char>(random()));
  }
  for (int i = 0; i < 50; ++i) {
    std::string big(1000 + random() % 20000, '\0');
    for (char& c : big) c = static_cast<char>(random());
    ASSERT_EQ(sha256(big), sha256_portable(big)) << "length " << big.size();
  }
  EXPECT_EQ(sha256_portable("abc"), sha256("abc"));
  // Which rounds ran, for whoever reads the test log on a given machine.
  std::printf("sha256 uses the processor's SHA instructions: %s\n", sha256_uses_cpu_instructions() ? "yes" : "no");
}

}  // namespace
}  // namespace blankett
