// as2d station keys.
#include "station_keys.h"

#include <chrono>

namespace as2d {

using payload::Errc;
using payload::fail;
using payload::Result;
namespace cms = payload::cms;

namespace {

Result<cms::Identity> load_identity(const std::filesystem::path& key_file, const std::filesystem::path& cert_file,
                                    const std::optional<Secret>& passphrase, const std::string& label) {
  auto certificate = cms::Certificate::load(cert_file);
  if (!certificate) return fail(certificate.error().with_context("[station] " + label + "cert: " + cert_file.string()));
  std::optional<std::string_view> pass;
  if (passphrase) pass = passphrase->str();
  auto key = cms::PrivateKey::load(key_file, pass);
  if (!key) return fail(key.error().with_context("[station] " + label + "key: " + key_file.string()));
  if (!key->matches(*certificate))
    return fail(Errc::usage, "[station] " + label + "key: " + key_file.string() + " is not the key of " + cert_file.string());
  return cms::Identity{*certificate, *key};
}

}  // namespace

Result<StationKeys> load_station_keys(const StationConfig& station) {
  StationKeys keys;
  auto current = load_identity(station.key, station.cert, station.key_passphrase, "");
  if (!current) return fail(current.error());
  if (!current->certificate.valid_at(std::chrono::system_clock::now()))
    return fail(Errc::key_unusable, "[station] cert: " + station.cert.string() + " is expired or not yet valid");
  keys.identities.push_back(std::move(*current));
  if (!station.next_key.empty()) {
    auto next = load_identity(station.next_key, station.next_cert, station.next_key_passphrase, "next_");
    if (!next) return fail(next.error());
    keys.identities.push_back(std::move(*next));
  }
  return keys;
}

}  // namespace as2d
