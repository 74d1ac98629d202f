// Multipart bodies (RFC 2046 5.1.1): splitting with CRLF and bare LF, preamble and
// epilogue, missing close delimiter, nesting, and building.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <payload/mime/canonicalize.h>
#include <payload/mime/limits.h>
#include <payload/mime/multipart.h>

using namespace payload;
using namespace payload::mime;

namespace {

// Made by Python 3.11's email package (a third party), with bare LF line ends:
//   outer = MIMEMultipart('mixed', boundary='outer-b'); outer.preamble = 'This is the preamble.'
//   outer.epilogue = 'This is the epilogue.'; inner = MIMEMultipart('alternative', boundary='inner-b')
//   inner.attach(MIMEText('plain text\nsecond line\n', 'plain')); inner.attach(MIMEText('<p>html</p>\n', 'html'))
//   outer.attach(inner); outer.attach(MIMEApplication(b'\x00\x01\x02binary\xff', 'octet-stream'))
//   outer.as_bytes(policy=email.policy.default)
const std::string kPythonLf =
    "Content-Type: multipart/mixed; boundary=\"outer-b\"\n"
    "MIME-Version: 1.0\n"
    "\n"
    "This is the preamble.\n"
    "--outer-b\n"
    "Content-Type: multipart/alternative; boundary=\"inner-b\"\n"
    "MIME-Version: 1.0\n"
    "\n"
    "--inner-b\n"
    "Content-Type: text/plain; charset=\"us-ascii\"\n"
    "MIME-Version: 1.0\n"
    "Content-Transfer-Encoding: 7bit\n"
    "\n"
    "plain text\n"
    "second line\n"
    "\n"
    "--inner-b\n"
    "Content-Type: text/html; charset=\"us-ascii\"\n"
    "MIME-Version: 1.0\n"
    "Content-Transfer-Encoding: 7bit\n"
    "\n"
    "<p>html</p>\n"
    "\n"
    "--inner-b--\n"
    "\n"
    "--outer-b\n"
    "Content-Type: application/octet-stream\n"
    "MIME-Version: 1.0\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "AAECYmluYXJ5/w==\n"
    "\n"
    "--outer-b--\n"
    "This is the epilogue.";

// The same message from Python with policy=email.policy.SMTP (CRLF line ends).
const std::string kPythonCrlf =
    "Content-Type: multipart/mixed; boundary=\"outer-b\"\r\n"
    "MIME-Version: 1.0\r\n"
    "\r\n"
    "This is the preamble.\r\n"
    "--outer-b\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner-b\"\r\n"
    "MIME-Version: 1.0\r\n"
    "\r\n"
    "--inner-b\r\n"
    "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "plain text\r\n"
    "second line\r\n"
    "\r\n"
    "--inner-b\r\n"
    "Content-Type: text/html; charset=\"us-ascii\"\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "<p>html</p>\r\n"
    "\r\n"
    "--inner-b--\r\n"
    "\r\n"
    "--outer-b\r\n"
    "Content-Type: application/octet-stream\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "AAECYmluYXJ5/w==\r\n"
    "\r\n"
    "--outer-b--\r\n"
    "This is the epilogue.";

std::vector<Entity> split(const Entity& entity) {
  auto parts = split_multipart(entity);
  REQUIRE(parts);
  return std::move(*parts);
}

// Checks one of the two Python messages, whose line end is `eol`.
void check_python_message(const std::string& text, const std::string& eol) {
  auto message = parse_entity(text);
  REQUIRE(message);
  const std::vector<Entity> outer = split(*message);
  REQUIRE(outer.size() == 2);

  // The line end before "--outer-b" belongs to the delimiter: the inner multipart ends
  // with its own close delimiter line (and its line end, which precedes a blank line).
  const Entity& alternative = outer[0];
  CHECK(alternative.depth() == 1);
  const std::string alternative_start = "Content-Type: multipart/alternative; boundary=\"inner-b\"" + eol;
  CHECK(alternative.raw().substr(0, alternative_start.size()) == alternative_start);
  const std::string alternative_end = "--inner-b--" + eol;
  REQUIRE(alternative.raw().size() >= alternative_end.size());
  CHECK(alternative.raw().substr(alternative.raw().size() - alternative_end.size()) == alternative_end);
  CHECK(alternative.offset() == text.find("Content-Type: multipart/alternative"));
  CHECK(alternative.buffer() == message->buffer());

  const std::vector<Entity> inner = split(alternative);
  REQUIRE(inner.size() == 2);
  CHECK(inner[0].depth() == 2);
  CHECK(inner[0].content_type()->media_type() == "text/plain");
  // Python was given "plain text\nsecond line\n"; its generator adds a line end before
  // the delimiter, which the split removes again.
  CHECK(inner[0].body() == "plain text" + eol + "second line" + eol);
  CHECK(inner[1].content_type()->media_type() == "text/html");
  CHECK(inner[1].body() == "<p>html</p>" + eol);
  CHECK(inner[1].header_bytes() == "Content-Type: text/html; charset=\"us-ascii\"" + eol + "MIME-Version: 1.0" + eol +
                                       "Content-Transfer-Encoding: 7bit" + eol);

  const Entity& binary = outer[1];
  CHECK(binary.content_type()->media_type() == "application/octet-stream");
  CHECK(binary.body() == "AAECYmluYXJ5/w==" + eol);
  CHECK(binary.decoded_body() == std::string("\x00\x01\x02" "binary\xff", 10));
  // Preamble and epilogue are not part of any part.
  for (const Entity& part : outer) {
    CHECK(part.raw().find("preamble") == std::string_view::npos);
    CHECK(part.raw().find("epilogue") == std::string_view::npos);
  }
}

}  // namespace

TEST_CASE("Python's nested multipart with CRLF line ends splits into exact parts") {
  check_python_message(kPythonCrlf, "\r\n");
}

TEST_CASE("the same message with bare LF line ends splits the same way") {
  check_python_message(kPythonLf, "\n");
  // And Python's CRLF rendering is exactly the canonical form of its LF rendering.
  CHECK(canonicalize(kPythonLf) == kPythonCrlf);
}

TEST_CASE("parts keep their final line end when one precedes the delimiter's CRLF") {
  const std::string text =
      "Content-Type: multipart/signed; boundary=b\r\n\r\n"
      "--b\r\n"
      "Content-Type: text/plain\r\n\r\n"
      "ends with CRLF\r\n"
      "\r\n"
      "--b\r\n"
      "Content-Type: text/plain\r\n\r\n"
      "no final CRLF\r\n"
      "--b  \t\r\n"  // transport padding after the boundary (RFC 2046 5.1.1)
      "\r\n"
      "\r\n"
      "--b--";
  auto entity = parse_entity(text);
  REQUIRE(entity);
  const std::vector<Entity> parts = split(*entity);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].raw() == "Content-Type: text/plain\r\n\r\nends with CRLF\r\n");
  CHECK(parts[1].raw() == "Content-Type: text/plain\r\n\r\nno final CRLF");
  // A part with no header fields starts with the blank line (RFC 2046 5.1.1).
  CHECK(parts[2].raw() == "\r\n");
  CHECK(parts[2].headers().empty());
  CHECK(parts[2].body().empty());
}

TEST_CASE("lines that only start like a delimiter stay in the part") {
  const std::string text =
      "Content-Type: multipart/mixed; boundary=\"abc\"\r\n\r\n"
      "--abc\r\n"
      "\r\n"
      "--abcdef is not our boundary\r\n"
      "x--abc is not at a line start\r\n"
      "--abc-x neither\r\n"
      "--abc--\r\n";
  auto entity = parse_entity(text);
  REQUIRE(entity);
  const std::vector<Entity> parts = split(*entity);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].body() == "--abcdef is not our boundary\r\nx--abc is not at a line start\r\n--abc-x neither");
}

TEST_CASE("a close delimiter one dash short is tolerated (rfc4130bis-05 A.4)") {
  auto entity = parse_entity("Content-Type: multipart/report; boundary=q\r\n\r\n--q\r\n\r\nbody\r\n--q-\r\n");
  REQUIRE(entity);
  const std::vector<Entity> parts = split(*entity);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].body() == "body");
}

TEST_CASE("multipart errors are bad_data") {
  const std::pair<const char*, const char*> cases[] = {
      {"missing close delimiter", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\npart one\r\n--b\r\n\r\npart two\r\n"},
      {"close delimiter cut short", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\npart\r\n--"},
      {"boundary never appears", "Content-Type: multipart/mixed; boundary=b\r\n\r\njust text\r\n"},
      {"no parts", "Content-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n--b--\r\n"},
      {"no boundary parameter", "Content-Type: multipart/mixed\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n"},
      {"not multipart", "Content-Type: text/plain; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n"},
      {"no Content-Type at all", "\r\n--b\r\n\r\nx\r\n--b--\r\n"},
      {"part without blank line", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nnot a header\r\n--b--\r\n"},
  };
  for (const auto& [what, text] : cases) {
    INFO(what);
    auto entity = parse_entity(text);
    REQUIRE(entity);
    auto parts = split_multipart(*entity);
    REQUIRE_FALSE(parts);
    CHECK(parts.error().code() == Errc::bad_data);
  }
  auto entity = parse_entity("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\npart\r\n");
  REQUIRE(entity);
  CHECK(split_multipart(*entity).error().message() == "multipart body ends without the close delimiter '--b--'");
}

TEST_CASE("multipart nesting deeper than max_nesting_depth is refused") {
  // Nine levels of multipart, each holding the next; the innermost holds text.
  std::string text = "Content-Type: text/plain\r\n\r\ncore";
  for (unsigned level = 0; level <= max_nesting_depth; ++level) {
    const std::string boundary = "b" + std::to_string(level);
    text = "Content-Type: multipart/mixed; boundary=" + boundary + "\r\n\r\n--" + boundary + "\r\n" + text + "\r\n--" +
           boundary + "--\r\n";
  }
  auto entity = parse_entity(text);
  REQUIRE(entity);
  Entity current = *entity;
  for (unsigned depth = 0; depth < max_nesting_depth; ++depth) {
    auto parts = split_multipart(current);
    REQUIRE(parts);
    REQUIRE(parts->size() == 1);
    current = parts->front();
    CHECK(current.depth() == depth + 1);
  }
  // `current` is the multipart at depth 8; its parts would be at depth 9.
  CHECK(current.content_type()->is_multipart());
  auto too_deep = split_multipart(current);
  REQUIRE_FALSE(too_deep);
  CHECK(too_deep.error().code() == Errc::bad_data);
}

TEST_CASE("built multipart bodies split back into the same bytes") {
  const std::vector<std::string_view> parts = {
      "Content-Type: text/plain\r\n\r\nline\r\n",
      "Content-Type: application/octet-stream\r\n\r\n\x01\x02 no final line end",
      "\r\n",
  };
  auto built = build_multipart_body(parts);
  REQUIRE(built);
  CHECK(is_valid_boundary(built->boundary));
  CHECK(built->boundary.rfind("=_payload_", 0) == 0);
  CHECK(built->boundary.size() == 42);
  CHECK(built->body.rfind("--" + built->boundary + "\r\n", 0) == 0);
  CHECK(built->body.substr(built->body.size() - built->boundary.size() - 6) == "--" + built->boundary + "--\r\n");

  auto entity = parse_entity("Content-Type: multipart/mixed; boundary=\"" + built->boundary + "\"\r\n\r\n" + built->body);
  REQUIRE(entity);
  const std::vector<Entity> split_parts = split(*entity);
  REQUIRE(split_parts.size() == parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) CHECK(split_parts[i].raw() == parts[i]);

  CHECK(generate_boundary() != generate_boundary());
}

TEST_CASE("building a multipart body checks the boundary and the parts") {
  const std::vector<std::string_view> parts = {"\r\nhas --xyz inside"};
  auto collision = build_multipart_body(parts, "xyz");
  REQUIRE_FALSE(collision);
  CHECK(collision.error().code() == Errc::usage);
  auto fixed = build_multipart_body(std::vector<std::string_view>{"\r\nbody"}, "xyz");
  REQUIRE(fixed);
  CHECK(*fixed == "--xyz\r\n\r\nbody\r\n--xyz--\r\n");
  CHECK_FALSE(build_multipart_body(std::vector<std::string_view>{}, "xyz"));
  CHECK_FALSE(build_multipart_body(parts, "bad boundary "));
  CHECK_FALSE(is_valid_boundary(""));
  CHECK_FALSE(is_valid_boundary(std::string(71, 'a')));
  CHECK(is_valid_boundary(std::string(70, 'a')));
  CHECK_FALSE(is_valid_boundary("semi;colon"));
  CHECK(is_valid_boundary("----=_Part_0_1.2 x"));
}

TEST_CASE("a boundary search that reports what it scanned finds the same parts") {
  // Two parts, the first 20 MiB: the search passes several 8 MiB windows.
  const std::string big(std::size_t{20} << 20, 'x');
  const std::string text = "Content-Type: multipart/signed; boundary=\"b\"\r\n\r\n--b\r\n\r\n" + big +
                           "\r\n--b\r\nContent-Type: text/plain\r\n\r\nsecond\r\n--b--\r\n";
  auto message = parse_entity(text);
  REQUIRE(message);
  std::vector<std::string_view> scanned;
  auto parts = split_multipart(*message, [&](std::string_view window) { scanned.push_back(window); });
  REQUIRE(parts);
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].body() == big);
  CHECK((*parts)[1].body() == "second");
  // Each window lies in the body, in order, and none holds a delimiter.
  REQUIRE(scanned.size() >= 2);
  const std::string_view body = message->body();
  const char* last = body.data();
  for (const auto window : scanned) {
    CHECK(window.data() >= last);
    CHECK(window.data() + window.size() <= body.data() + body.size());
    CHECK(window.find("\n--b") == std::string_view::npos);
    last = window.data() + window.size();
  }
}
