// `payload as2 send` and `payload as2 status`: sending files to a partner configured in
// an as2d configuration file (the same station, partners and store as the daemon), and
// where a sent message stands.
#include <filesystem>
#include <iostream>
#include <memory>

#include <config_loader.h>
#include <outbound_store.h>
#include <partners.h>
#include <sender.h>
#include <station_keys.h>

#include "as2_support.h"
#include "commands.h"
#include "common.h"

namespace payload::cli {
namespace {

struct Station {
  as2d::Config config;
  std::shared_ptr<const as2d::PartnerTable> partners;
  as2d::StationKeys keys;
  std::unique_ptr<as2d::OutboundStore> store;
};

Result<Station> open_station(const std::string& config_file, bool with_keys) {
  Station station;
  auto config = as2d::load_config(config_file);
  if (!config) return fail(config.error());
  station.config = std::move(*config);
  if (with_keys) {
    auto partners = as2d::PartnerTable::load(station.config);
    if (!partners) return fail(partners.error().with_context(config_file));
    station.partners = std::move(*partners);
    auto keys = as2d::load_station_keys(station.config.station);
    if (!keys) return fail(keys.error().with_context(config_file));
    station.keys = std::move(*keys);
  }
  std::error_code ec;
  std::filesystem::create_directories(station.config.station.data_dir, ec);
  if (ec) return fail(Errc::io, station.config.station.data_dir.string() + ": " + ec.message());
  auto store = as2d::OutboundStore::open(station.config.station.data_dir / "as2d.sqlite");
  if (!store) return fail(store.error());
  station.store = std::move(*store);
  return station;
}

// docs/exit-codes.md: one code per way a send can end.
int exit_code_for(as2d::SendState state) {
  switch (state) {
    case as2d::SendState::processed:
    case as2d::SendState::delivered:
    case as2d::SendState::awaiting_mdn: return exit_ok;
    case as2d::SendState::negative: return exit_negative_disposition;
    case as2d::SendState::mic_mismatch: return exit_mic_mismatch;
    case as2d::SendState::bad_mdn: return exit_bad_signature;
    case as2d::SendState::queued:
    case as2d::SendState::sending:
    case as2d::SendState::given_up:
    case as2d::SendState::transport_failed:
    case as2d::SendState::http_error: return exit_transport;
  }
  return exit_internal;
}

// The `error` names of docs/exit-codes.md for the codes a send ends with.
std::string_view exit_code_name(int code) {
  switch (code) {
    case exit_negative_disposition: return "negative_disposition";
    case exit_mic_mismatch: return "mic_mismatch";
    case exit_bad_signature: return "bad_signature";
    case exit_transport: return "transport";
    default: return "internal";
  }
}

Poco::JSON::Object::Ptr record_json(const as2d::OutboundRecord& r) {
  auto o = json_object();
  o->set("message_id", r.message_id);
  o->set("partner", r.partner);
  o->set("file", r.file);
  o->set("size", static_cast<Poco::UInt64>(r.size));
  o->set("mic", r.mic);
  o->set("mdn", r.mdn_mode);
  o->set("state", std::string(as2d::send_state_name(r.state)));
  o->set("created_at", r.created_at);
  o->set("sent_at", r.sent_at);
  o->set("attempts", r.attempts);
  o->set("http_status", r.http_status);
  o->set("disposition", r.disposition);
  o->set("reason", r.error);
  return o;
}

void print_record(const as2d::OutboundRecord& r, std::ostream& out) {
  out << "message-id: " << r.message_id << "\n"
      << "partner: " << r.partner << "\n"
      << "file: " << r.file << " (" << r.size << " bytes)\n"
      << "state: " << as2d::send_state_name(r.state) << "\n"
      << "mic: " << r.mic << "\n"
      << "mdn: " << r.mdn_mode << "\n"
      << "attempts: " << r.attempts << ", last answer " << (r.sent_at.empty() ? "none" : r.sent_at)
      << (r.http_status ? ", HTTP " + std::to_string(r.http_status) : std::string()) << "\n";
  if (!r.disposition.empty()) out << "disposition: " << r.disposition << "\n";
  if (!r.error.empty()) out << "error: " << r.error << "\n";
}

// ---- send ---------------------------------------------------------------------------

struct SendArgs {
  CommonOptions common;
  std::string config;
  std::string partner;
  std::vector<std::string> files;
  std::string message_id;
  std::string subject;
};

int run_send(const SendArgs& args) {
  if (!args.message_id.empty() && args.files.size() != 1)
    return report_error(Error(Errc::usage, "--message-id resends one file"), args.common);
  auto station = open_station(args.config, true);
  if (!station) return report_error(station.error(), args.common);
  const as2d::Partner* partner = nullptr;
  for (const auto& p : station->partners->all()) {
    if (p.config.name == args.partner) partner = &p;
  }
  if (partner == nullptr)
    return report_error(Error(Errc::usage, args.config + ": no [partner." + args.partner + "]"), args.common);

  as2d::SendContext context{station->config.station, station->keys, *partner, *station->store};
  as2d::SendOptions options;
  options.message_id = args.message_id;
  options.subject = args.subject;
  int result = exit_ok;
  for (const auto& file : args.files) {
    auto sent = as2d::send_file(context, file, options);
    int code = exit_ok;
    if (!sent) {
      code = report_error(sent.error(), args.common);
    } else {
      const auto& r = sent->record;
      code = exit_code_for(r.state);
      if (args.common.json) {
        auto o = record_json(r);
        o->set("ok", code == exit_ok);
        if (code != exit_ok) {
          o->set("error", std::string(exit_code_name(code)));
          o->set("message", file + ": " + std::string(as2d::send_state_name(r.state)) + ": " + r.error);
        }
        o->set("exit_code", code);
        print_json(o);
      } else if (!args.common.quiet) {
        std::cout << file << ": " << as2d::send_state_name(r.state) << " (" << r.message_id << ", MIC " << r.mic << ")\n"
                  << std::flush;
      }
      if (code != exit_ok) std::cerr << "payload: " << file << ": " << as2d::send_state_name(r.state) << ": " << r.error << std::endl;
    }
    if (result == exit_ok) result = code;  // the first failure decides
  }
  return result;
}

// ---- status -------------------------------------------------------------------------

struct StatusArgs {
  CommonOptions common;
  std::string config;
  std::string message_id;
  std::string mdn_out;
  bool force = false;
};

int run_status(const StatusArgs& args) {
  auto station = open_station(args.config, false);
  if (!station) return report_error(station.error(), args.common);
  auto found = station->store->find(args.message_id);
  if (!found) return report_error(found.error(), args.common);
  if (!*found) return report_error(Error(Errc::usage, args.message_id + ": no message sent with this Message-ID"), args.common);
  const auto& r = **found;
  if (!args.mdn_out.empty()) {
    if (!r.mdn) return report_error(Error(Errc::usage, args.message_id + ": no MDN has come for this message"), args.common);
    if (auto written = write_output(args.mdn_out, *r.mdn, args.force); !written)
      return report_error(written.error(), args.common);
  }
  if (args.common.json) {
    auto o = record_json(r);
    o->set("ok", true);
    o->set("exit_code", 0);
    print_json(o);
  } else if (!args.common.quiet) {
    print_record(r, std::cout);
    std::cout << std::flush;
  }
  return exit_ok;
}

}  // namespace

void register_as2_send_commands(CLI::App& as2, int& exit_code) {
  auto s = std::make_shared<SendArgs>();
  auto* send = as2.add_subcommand("send", "Send files to a partner of an as2d configuration and check the MDN");
  send->add_option("--config", s->config, "The as2d configuration file (station, partners, data_dir)")->required();
  send->add_option("--partner", s->partner, "The partner: NAME of its [partner.NAME] section")->required();
  send->add_option("files", s->files, "The files to send, one message each")->required();
  send->add_option("--message-id", s->message_id, "Resend one file under this Message-ID (brackets included)");
  send->add_option("--subject", s->subject, "Subject (default \"AS2 message FILENAME\")");
  add_common_options(*send, s->common, false);
  send->callback([s, &exit_code] { exit_code = run_send(*s); });

  auto t = std::make_shared<StatusArgs>();
  auto* status = as2.add_subcommand("status", "Where a sent message stands (from the store)");
  status->add_option("--config", t->config, "The as2d configuration file")->required();
  status->add_option("message-id", t->message_id, "The Message-ID (brackets optional)")->required();
  status->add_option("--mdn-out", t->mdn_out, "Write the MDN received (wire form) to this file");
  status->add_flag("-f,--force", t->force, "Replace an existing --mdn-out file");
  add_common_options(*status, t->common, false);
  status->callback([t, &exit_code] { exit_code = run_status(*t); });
}

}  // namespace payload::cli
