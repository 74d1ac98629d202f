// payload::mdn checking: whether a returned MDN is an authentic receipt for the message
// we sent, with the MIC we recorded at send time (RFC 4130 7.3.1, i05 8.3.1, 10.3 NRR).
//
// This checks the receipt, not the partner's verdict: a correctly signed
// "processed/error: decryption-failed" passes; read MdnReport::disposition for the verdict.
#pragma once

#include <string>
#include <vector>

#include <payload/core/error.h>
#include <payload/mdn/mic.h>
#include <payload/mdn/parse.h>

namespace payload::mdn {

struct MdnExpectation {
  // The Message-ID of the message we sent; empty: not checked. Compared exactly, then
  // with one pair of angle brackets ignored on either side (partners add or drop them,
  // OpenAS2 PR #84, #89).
  std::string original_message_id;
  // The MIC(s) recorded at send time. Several when the MIC was kept under more than one
  // algorithm: a partner may answer with a different one than requested, and either is
  // accepted if its value matches (T8). Empty: not checked.
  std::vector<Mic> mics;
  // We asked for a signed receipt: an unsigned MDN is then refused.
  bool require_signature = false;
};

// Checks in this order:
//   bad_signature  the MDN is signed and its signature did not verify; or a signature was
//                  required and the MDN is unsigned
//   bad_data       the Original-Message-ID is not the expected one; the MDN reports
//                  success but carries no Received-Content-MIC although one is expected;
//                  the Received-Content-MIC does not match any recorded MIC (the message
//                  says "MIC mismatch" and shows both values). When the disposition is not
//                  a success a missing MIC is expected; a present one is still compared.
[[nodiscard]] Status check_mdn(const MdnReport& report, const MdnExpectation& expected);

// check_mdn with one recorded MIC and nothing else expected.
[[nodiscard]] Status check_mdn(const MdnReport& report, const Mic& expected_mic);

}  // namespace payload::mdn
