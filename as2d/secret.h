// as2d secrets held in memory: key passphrases and passwords read from files or the
// environment. Their bytes are wiped (OPENSSL_cleanse, which the compiler may not drop)
// when the holder is destroyed, overwritten or moved from, so no freed heap block and no
// moved-from buffer keeps them. Copies go only where a secret is used (the PEM password
// callback copies into OpenSSL's buffer, which OpenSSL wipes itself).
#pragma once

#include <openssl/crypto.h>

#include <string>
#include <string_view>
#include <utility>

namespace as2d {

// Wipes a string's whole buffer (its capacity, not only its size) and empties it.
inline void wipe(std::string& text) noexcept {
  OPENSSL_cleanse(text.data(), text.capacity());
  text.clear();
}

class Secret final {
public:
  Secret() = default;
  explicit Secret(std::string value) noexcept : m_value(std::move(value)) {}
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
  [[nodiscard]] std::size_t size() const noexcept { return m_value.size(); }
  bool operator==(const Secret& other) const = default;

private:
  std::string m_value;
};

}  // namespace as2d
