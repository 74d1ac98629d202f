// payload::as2 outcomes: how processing a received AS2 message ended, one value per AS2
// disposition, so the caller can answer with the right MDN (RFC 4130 7.4.3, 7.5;
// draft-ietf-ediint-rfc4130bis-05 "i05" 8.5).
#pragma once

#include <string_view>

namespace payload::as2 {

enum class Outcome {
  processed,                      // "processed" (i05 8.5.2)
  authentication_failed,          // signer unknown, certificate unusable, signature bad (i05 8.5.4; Drummond K.1)
  decryption_failed,              // not for us, corrupt, tampered, undecryptable (Drummond K.2)
  decompression_failed,           // corrupt CompressedData, unsupported algorithm, limits exceeded (Drummond K.3)
  insufficient_message_security,  // unsigned/unencrypted against policy, or an algorithm the policy refuses
  integrity_check_failed,         // the signed messageDigest disagrees with the digest of the received bytes
  unexpected_processing_error,    // malformed request or structure we cannot process (the catch-all)
  invalid_message_id,             // Message-ID missing or syntactically invalid (i05 5.3.3)
  illegal_filename,               // the payload filename is unusable (directories, control chars...) (i05 8.5.4)
  unknown_trading_relationship,   // AS2-From/AS2-To missing, malformed or not the expected pair (i05 6.3)
};

// The disposition modifier after "processed/error: " ("decryption-failed", ...), "" for
// processed. One-to-one with Outcome.
[[nodiscard]] std::string_view disposition_modifier(Outcome outcome) noexcept;
// A stable name for logs and JSON ("processed", "decryption_failed", ...).
[[nodiscard]] std::string_view outcome_name(Outcome outcome) noexcept;

}  // namespace payload::as2
