// payload::mdn disposition: writing and tolerant reading of the Disposition field.
#include <payload/mdn/disposition.h>

#include <algorithm>
#include <optional>

#include "text.h"

namespace payload::mdn {

namespace {

constexpr bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

// Lowercase without spaces, '-' and '_': "Unsupported MIC-Algorithms" -> "unsupportedmicalgorithms".
std::string squeeze(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (detail::is_space(c) || c == '-' || c == '_') continue;
    out += detail::to_lower(c);
  }
  return out;
}

std::optional<ModifierKind> kind_of(std::string_view word) noexcept {
  if (detail::iequals(word, "error")) return ModifierKind::error;
  if (detail::iequals(word, "warning")) return ModifierKind::warning;
  if (detail::iequals(word, "failure")) return ModifierKind::failure;
  return std::nullopt;
}

std::string_view kind_name(ModifierKind kind) noexcept {
  switch (kind) {
    case ModifierKind::error: return "error";
    case ModifierKind::warning: return "warning";
    case ModifierKind::failure: return "failure";
    case ModifierKind::extension: break;
  }
  return "";
}

std::size_t skip_spaces(std::string_view text, std::size_t pos) noexcept {
  while (pos < text.size() && detail::is_space(text[pos])) ++pos;
  return pos;
}

// Whether a new modifier starts right after the separator at `pos`: error|warning|failure,
// then optional spaces and ':', a separator or the end.
bool starts_modifier(std::string_view text, std::size_t pos) noexcept {
  pos = skip_spaces(text, pos + 1);
  std::size_t end = pos;
  while (end < text.size() && is_name_char(text[end])) ++end;
  if (!kind_of(text.substr(pos, end - pos))) return false;
  end = skip_spaces(text, end);
  return end == text.size() || text[end] == ':' || text[end] == ';' || text[end] == ',';
}

Result<Modifier> parse_modifier(std::string_view segment) {
  const std::string_view text = detail::trim(segment);
  std::size_t end = 0;
  while (end < text.size() && is_name_char(text[end])) ++end;
  if (end == 0) return fail(Errc::bad_data, "Disposition has an empty or malformed modifier '" + detail::excerpt(text) + "'");
  Modifier modifier;
  const std::string_view word = text.substr(0, end);
  if (const auto kind = kind_of(word)) {
    modifier.kind = *kind;
  } else {
    modifier.kind = ModifierKind::extension;
    modifier.name = detail::lowercase(word);
  }
  std::string_view rest = detail::trim(text.substr(end));
  if (!rest.empty() && rest.front() == ':') rest.remove_prefix(1);  // a missing ':' is tolerated
  rest = detail::trim(rest);
  // A trailing ';' or ',' ("processed/error: x;") is a separator with nothing after it.
  while (!rest.empty() && (rest.back() == ';' || rest.back() == ',' || detail::is_space(rest.back()))) rest.remove_suffix(1);
  modifier.text = std::string(rest);
  return modifier;
}

Disposition with_modifier(DispositionType type, ModifierKind kind, std::string_view text) {
  Disposition disposition;
  disposition.type = type;
  disposition.modifiers.push_back(Modifier{kind, {}, std::string(text)});
  return disposition;
}

}  // namespace

bool Modifier::is(std::string_view expected_text) const noexcept { return squeeze(text) == squeeze(expected_text); }

std::string Modifier::to_string() const {
  std::string out = kind == ModifierKind::extension ? name : std::string(kind_name(kind));
  if (!text.empty()) {
    out += ": ";
    out += text;
  }
  return out;
}

bool Disposition::is_success() const noexcept {
  if (type != DispositionType::processed) return false;
  return std::all_of(modifiers.begin(), modifiers.end(), [](const Modifier& m) { return m.kind == ModifierKind::warning; });
}

const Modifier* Disposition::find(ModifierKind kind) const noexcept {
  for (const Modifier& modifier : modifiers) {
    if (modifier.kind == kind) return &modifier;
  }
  return nullptr;
}

bool Disposition::has(ModifierKind kind, std::string_view text) const noexcept {
  return std::any_of(modifiers.begin(), modifiers.end(),
                     [&](const Modifier& m) { return m.kind == kind && m.is(text); });
}

std::string Disposition::to_string() const {
  std::string out = action_mode == ActionMode::automatic ? "automatic-action" : "manual-action";
  out += sending_mode == SendingMode::automatic ? "/MDN-sent-automatically; " : "/MDN-sent-manually; ";
  out += type == DispositionType::processed ? "processed" : "failed";
  for (std::size_t i = 0; i < modifiers.size(); ++i) {
    out += i == 0 ? "/" : "; ";
    out += modifiers[i].to_string();
  }
  return out;
}

Disposition processed() { return Disposition{}; }
Disposition processed_warning(std::string_view text) {
  return with_modifier(DispositionType::processed, ModifierKind::warning, text);
}
Disposition processed_error(std::string_view text) {
  return with_modifier(DispositionType::processed, ModifierKind::error, text);
}
Disposition failed_failure(std::string_view text) {
  return with_modifier(DispositionType::failed, ModifierKind::failure, text);
}

Result<Disposition> parse_disposition(std::string_view value) {
  const std::string_view text = detail::trim(value);
  const std::size_t semicolon = text.find(';');
  if (semicolon == std::string_view::npos) {
    return fail(Errc::bad_data, "Disposition '" + detail::excerpt(text) + "' has no ';' between mode and type");
  }
  Disposition disposition;

  // disposition-mode = action-mode "/" sending-mode
  const std::string_view mode = detail::trim(text.substr(0, semicolon));
  const std::size_t slash = mode.find('/');
  const std::string_view action = detail::trim(mode.substr(0, slash));
  if (detail::iequals(action, "automatic-action")) {
    disposition.action_mode = ActionMode::automatic;
  } else if (detail::iequals(action, "manual-action")) {
    disposition.action_mode = ActionMode::manual;
  } else {
    return fail(Errc::bad_data, "Disposition has an unknown action mode '" + detail::excerpt(action) + "'");
  }
  disposition.sending_mode =
      disposition.action_mode == ActionMode::automatic ? SendingMode::automatic : SendingMode::manual;
  if (slash != std::string_view::npos) {
    const std::string_view sending = detail::trim(mode.substr(slash + 1));
    if (detail::iequals(sending, "MDN-sent-automatically")) {
      disposition.sending_mode = SendingMode::automatic;
    } else if (detail::iequals(sending, "MDN-sent-manually")) {
      disposition.sending_mode = SendingMode::manual;
    } else {
      return fail(Errc::bad_data, "Disposition has an unknown sending mode '" + detail::excerpt(sending) + "'");
    }
  }

  // type [ "/" modifier *( ";" modifier ) ]
  const std::string_view rest = detail::trim(text.substr(semicolon + 1));
  std::size_t end = 0;
  while (end < rest.size() && is_name_char(rest[end])) ++end;
  const std::string_view type = rest.substr(0, end);
  if (detail::iequals(type, "processed")) {
    disposition.type = DispositionType::processed;
  } else if (detail::iequals(type, "failed")) {
    disposition.type = DispositionType::failed;
  } else {
    return fail(Errc::bad_data, "Disposition type '" + detail::excerpt(type.empty() ? rest : type) +
                                    "' is not an AS2 type (processed or failed)");
  }
  const std::size_t after_type = skip_spaces(rest, end);
  if (after_type == rest.size()) return disposition;
  // '/' is the grammar; ';' and ',' right after the type are seen from partners too.
  if (rest[after_type] != '/' && rest[after_type] != ';' && rest[after_type] != ',') {
    return fail(Errc::bad_data, "Disposition '" + detail::excerpt(text) + "' has text after the type");
  }
  const std::string_view modifiers = rest.substr(after_type + 1);
  // "processed;" is a trailing separator; "processed/" announces a modifier and has none.
  if (rest[after_type] != '/' && detail::trim(modifiers).empty()) return disposition;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= modifiers.size(); ++i) {
    const bool boundary = i == modifiers.size() ||
                          ((modifiers[i] == ';' || modifiers[i] == ',') && starts_modifier(modifiers, i));
    if (!boundary) continue;
    const std::string_view segment = modifiers.substr(start, i - start);
    start = i + 1;
    // Trailing or doubled separators ("processed/error: x;") add nothing.
    if (detail::trim(segment).empty() && !disposition.modifiers.empty()) continue;
    auto modifier = parse_modifier(segment);
    if (!modifier) return fail(modifier.error());
    disposition.modifiers.push_back(std::move(*modifier));
  }
  return disposition;
}

void merge_historic_fields(Disposition& disposition, const mime::Headers& notification_fields) {
  for (const mime::HeaderField& field : notification_fields) {
    const auto kind = kind_of(field.name);
    if (!kind) continue;
    const std::string text(detail::trim(field.value));
    const auto empty = std::find_if(disposition.modifiers.begin(), disposition.modifiers.end(),
                                    [&](const Modifier& m) { return m.kind == *kind && m.text.empty(); });
    if (empty != disposition.modifiers.end()) {
      empty->text = text;
    } else {
      disposition.modifiers.push_back(Modifier{*kind, {}, text});
    }
  }
}

}  // namespace payload::mdn
