// payload::mdn disposition: the verdict an MDN carries in its Disposition field
// (RFC 4130 7.4.3, i05 8.4.3, grammar base RFC 8098 3.2.6), written and read.
//
//   Disposition: automatic-action/MDN-sent-automatically; processed/error: decryption-failed
//
// AS2 knows two types: processed and failed (failed and warning are AS2 additions, i05
// 11.2 notwithstanding). `failed` is only for problems with the MDN request itself
// (4130 7.4.4, i05 8.4.5); every other problem is processed/error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>
#include <payload/mime/header.h>

namespace payload::mdn {

enum class ActionMode { automatic, manual };    // "automatic-action" | "manual-action"
enum class SendingMode { automatic, manual };   // "MDN-sent-automatically" | "MDN-sent-manually"
enum class DispositionType { processed, failed };

enum class ModifierKind {
  error,      // processed/error: ...   the content was not processed (i05 8.5.4)
  warning,    // processed/warning: ... processed, but something exceptional happened (i05 8.5.5)
  failure,    // failed/failure: ...    the MDN request could not be honoured (i05 8.5.3)
  extension,  // any other modifier (RFC 8098 disposition-modifier-extension), name kept
};

struct Modifier {
  ModifierKind kind = ModifierKind::error;
  std::string name;  // extension only: the modifier as written, lowercased
  std::string text;  // the free text after ':', trimmed; may be empty

  // Case-insensitive comparison of `text` ignoring spaces, '-' and '_' (i05 8.4.3: values
  // are case-insensitive; the IANA table itself writes "error:duplicate-filename").
  [[nodiscard]] bool is(std::string_view expected_text) const noexcept;
  // "error: text", "warning", or the extension name.
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const Modifier&, const Modifier&) = default;
};

struct Disposition {
  ActionMode action_mode = ActionMode::automatic;
  SendingMode sending_mode = SendingMode::automatic;
  DispositionType type = DispositionType::processed;
  std::vector<Modifier> modifiers;  // i05 8.4.3: several, separated by ';'

  // processed, with no modifier other than warnings: the partner took the content
  // (the only case that carries a Received-Content-MIC, i05 8.4.3).
  [[nodiscard]] bool is_success() const noexcept;
  // The first modifier of `kind`, or nullptr.
  [[nodiscard]] const Modifier* find(ModifierKind kind) const noexcept;
  // Whether a modifier of `kind` has this text (Modifier::is).
  [[nodiscard]] bool has(ModifierKind kind, std::string_view text) const noexcept;
  // The field value: "automatic-action/MDN-sent-automatically; processed/error: x".
  // Further modifiers follow as "; warning: y" (i05 8.4.3).
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const Disposition&, const Disposition&) = default;
};

// The modifier texts AS2 defines (as2-specs §4.2): constants, so nobody misspells them.
namespace reason {
// processed/warning (4130 7.5.5, i05 8.5.5)
inline constexpr std::string_view authentication_failed_processing_continued =
    "authentication-failed, processing continued";
inline constexpr std::string_view duplicate_document = "duplicate-document";
// processed/error (4130 7.5.4, 7.4.3; i05 8.5.4)
inline constexpr std::string_view authentication_failed = "authentication-failed";
inline constexpr std::string_view decryption_failed = "decryption-failed";
inline constexpr std::string_view decompression_failed = "decompression-failed";
inline constexpr std::string_view integrity_check_failed = "integrity-check-failed";
inline constexpr std::string_view insufficient_message_security = "insufficient-message-security";
inline constexpr std::string_view unexpected_processing_error = "unexpected-processing-error";
inline constexpr std::string_view unknown_trading_partner = "unknown-trading-partner";            // i05, alias of the next
inline constexpr std::string_view unknown_trading_relationship = "unknown-trading-relationship";  // i05 6.3
inline constexpr std::string_view invalid_message_id = "invalid-message-id";                      // i05 5.3.3
inline constexpr std::string_view duplicate_filename = "duplicate-filename";                      // i05 8.5.4
inline constexpr std::string_view illegal_filename = "illegal-filename";                          // i05 8.5.4
// failed/failure (4130 7.5.3, i05 8.5.3): both MUST be supported
inline constexpr std::string_view unsupported_format = "unsupported format";
inline constexpr std::string_view unsupported_mic_algorithms = "unsupported MIC-algorithms";
}  // namespace reason

// automatic-action/MDN-sent-automatically; processed (i05 8.5.2: the normal success).
[[nodiscard]] Disposition processed();
// ...; processed/warning: text
[[nodiscard]] Disposition processed_warning(std::string_view text);
// ...; processed/error: text
[[nodiscard]] Disposition processed_error(std::string_view text);
// ...; failed/failure: text
[[nodiscard]] Disposition failed_failure(std::string_view text);

// Reads a Disposition field value, tolerantly (as2-specs §4.2 "Parsing", T10):
// - tokens in any case, optional spaces around '/', ';', ':' and ',';
// - a missing sending mode ("automatic-action; processed") is taken from the action mode;
// - after the type, '/' and modifiers: the kind word (error, warning, failure, else an
//   extension), an optional ':' and free text to the next modifier or the end;
// - a new modifier starts at a ';' or ',' followed by error|warning|failure and then ':'
//   or the end; any other ';' or ',' belongs to the text ("authentication-failed,
//   processing continued" stays one text);
// - the RFC 3798 forms with a bare "processed/error" are read here and completed from
//   the separate Error:/Warning:/Failure: fields by merge_historic_fields.
// Errors (Errc::bad_data): no ';', an unknown action or sending mode, a type other than
// processed or failed (RFC 8098 displayed/deleted/dispatched have no AS2 meaning), an
// empty modifier.
[[nodiscard]] Result<Disposition> parse_disposition(std::string_view value);

// RFC 3798 / RFC 4130 7.5.6 (i05 8.5.6, MUST be accepted): the texts of Error:, Warning:
// and Failure: fields of a notification complete `disposition`. Each field fills the
// first modifier of its kind that has no text yet, else adds a modifier of its kind.
void merge_historic_fields(Disposition& disposition, const mime::Headers& notification_fields);

}  // namespace payload::mdn
