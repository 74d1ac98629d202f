// as2d application: a Poco ServerApplication with three jobs chosen by option:
//   as2d --config FILE          serve in the foreground until SIGTERM/SIGINT; SIGHUP reloads partners
//   as2d --check-config FILE    validate, print what would be served, exit 0 (or 1 with one line)
//   as2d --hash-password        read a password on stdin, print its $pbkdf2-sha256$ hash
// Libraries (OpenSSL, the SQLite connector) are initialised in initialize(), after a
// possible --daemon fork, never in static constructors.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>
#include <vector>

namespace as2d {

class Daemon final : public Poco::Util::ServerApplication {
protected:
  void initialize(Poco::Util::Application& self) override;
  void uninitialize() override;
  void defineOptions(Poco::Util::OptionSet& options) override;
  void handleOption(const std::string& name, const std::string& value) override;
  int main(const std::vector<std::string>& args) override;

private:
  enum class Mode { none, serve, check, hash_password, help };
  int serve();
  int check_config();
  int hash_password();
  void show_help();

  Mode m_mode = Mode::none;
  std::string m_config_file;
  bool m_conflict = false;
};

}  // namespace as2d
