// Secrets held in memory: key passphrases, passwords, private-key PEM text. Their bytes
// are wiped (explicit_bzero, which the compiler may not drop) when the holder is
// destroyed, overwritten or moved from, so no freed heap block and no moved-from buffer
// keeps them. Copies go only where a secret is used: the line written to gpg's passphrase
// descriptor, the PEM password callback's buffer (OpenSSL wipes that one itself).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace payload {

// Wipes a buffer so that the compiler cannot drop the writes as dead stores.
void secure_wipe(void* data, std::size_t size) noexcept;

// Wipes a string's whole buffer (its capacity, not only its size) and empties it.
inline void wipe(std::string& text) noexcept {
  secure_wipe(text.data(), text.capacity());
  text.clear();
}

class Secret final {
public:
  Secret() = default;
  // Not explicit: `options.key_passphrase = read_passphrase(...)` and `= "test"` read well,
  // and a std::string handed over by value is moved in, not copied.
  Secret(std::string value) noexcept : m_value(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Secret(const char* value) : m_value(value) {}                       // NOLINT(google-explicit-constructor)
  // Copies the bytes straight into the holder: no temporary string is left behind.
  explicit Secret(std::string_view value) : m_value(value) {}
  Secret(const Secret& other) : m_value(other.m_value) {}
  // A moved std::string may leave its short-string bytes behind: wiped.
  Secret(Secret&& other) noexcept : m_value(std::move(other.m_value)) { wipe(other.m_value); }
  Secret& operator=(const Secret& other) {
    if (this != &other) {
      wipe(m_value);
      m_value = other.m_value;
    }
    return *this;
  }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe(m_value);
      m_value = std::move(other.m_value);
      wipe(other.m_value);
    }
    return *this;
  }
  ~Secret() { wipe(m_value); }

  [[nodiscard]] const std::string& str() const noexcept { return m_value; }
  [[nodiscard]] std::string_view view() const noexcept { return m_value; }
  // A view for APIs that take one (PEM password callbacks): no copy is made.
  operator std::string_view() const noexcept { return m_value; }  // NOLINT(google-explicit-constructor)
  [[nodiscard]] std::size_t size() const noexcept { return m_value.size(); }
  [[nodiscard]] bool empty() const noexcept { return m_value.empty(); }
  bool operator==(const Secret& other) const = default;

private:
  std::string m_value;
};

}  // namespace payload
