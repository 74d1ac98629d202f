// payload::as2 outcomes and their AS2 disposition modifiers.
#include <payload/as2/outcome.h>

namespace payload::as2 {

std::string_view disposition_modifier(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::processed: return "";
    // RFC 4130 7.4.3, 7.5.4; i05 8.5.4
    case Outcome::authentication_failed: return "authentication-failed";
    case Outcome::decryption_failed: return "decryption-failed";
    case Outcome::decompression_failed: return "decompression-failed";
    case Outcome::insufficient_message_security: return "insufficient-message-security";
    case Outcome::integrity_check_failed: return "integrity-check-failed";
    case Outcome::unexpected_processing_error: return "unexpected-processing-error";
    // new in i05 (5.3.3, 8.5.4, 6.3)
    case Outcome::invalid_message_id: return "invalid-message-id";
    case Outcome::illegal_filename: return "illegal-filename";
    case Outcome::unknown_trading_relationship: return "unknown-trading-relationship";
  }
  return "unexpected-processing-error";
}

std::string_view outcome_name(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::processed: return "processed";
    case Outcome::authentication_failed: return "authentication_failed";
    case Outcome::decryption_failed: return "decryption_failed";
    case Outcome::decompression_failed: return "decompression_failed";
    case Outcome::insufficient_message_security: return "insufficient_message_security";
    case Outcome::integrity_check_failed: return "integrity_check_failed";
    case Outcome::unexpected_processing_error: return "unexpected_processing_error";
    case Outcome::invalid_message_id: return "invalid_message_id";
    case Outcome::illegal_filename: return "illegal_filename";
    case Outcome::unknown_trading_relationship: return "unknown_trading_relationship";
  }
  return "unexpected_processing_error";
}

}  // namespace payload::as2
