// serve's arguments: every problem is a usage error found before anything starts.
#include "serve_command.h"

#include <gtest/gtest.h>

namespace blankett {
namespace {

std::string problem(const std::vector<std::string>& args) {
  ServeOptions options;
  return parse_serve_args(args, &options).value_or("");
}

TEST(ParseServeArgs, ReadsEveryKindOfOption) {
  ServeOptions o;
  ASSERT_EQ(parse_serve_args({"--port", "0", "--bind", "::1", "--max-body", "1048576", "--smtp-host", "mail",
                              "--smtp-port", "587", "--smtp-starttls", "required", "--dev", "--writer-nice", "-5",
                              "--http-threads", "64", "--keep-alive", "10", "--data", "d"},
                             &o),
            std::nullopt);
  EXPECT_EQ(o.port, 0);
  EXPECT_EQ(o.bind, "::1");
  EXPECT_EQ(o.max_body_bytes, 1048576u);
  EXPECT_EQ(o.smtp.host, "mail");
  EXPECT_EQ(o.smtp.port, 587);
  EXPECT_EQ(o.smtp.starttls, StartTls::required);
  EXPECT_TRUE(o.dev);
  EXPECT_EQ(o.writer_nice, -5);
  EXPECT_EQ(o.http_threads, 64u);
  EXPECT_EQ(o.keep_alive_seconds, 10);
  EXPECT_EQ(o.data_dir, "d");
}

TEST(ParseServeArgs, PortsAreWholeNumbersInRange) {
  EXPECT_EQ(problem({"--port", "84026"}), "--port is a port number from 0 to 65535, not 84026");
  EXPECT_EQ(problem({"--port", "-5"}), "--port is a port number from 0 to 65535, not -5");
  EXPECT_EQ(problem({"--port", "8080x"}), "--port is a port number from 0 to 65535, not 8080x");
  EXPECT_EQ(problem({"--smtp-port", "0"}), "--smtp-port is a port number from 1 to 65535, not 0");
  EXPECT_EQ(problem({"--smtp-port", "70000"}), "--smtp-port is a port number from 1 to 65535, not 70000");
}

TEST(ParseServeArgs, MaxBodyIsAPositiveByteCount) {
  EXPECT_EQ(problem({"--max-body", "-1"}), "--max-body is a number of bytes from 1024 to 1073741824, not -1");
  EXPECT_EQ(problem({"--max-body", "0"}), "--max-body is a number of bytes from 1024 to 1073741824, not 0");
  EXPECT_EQ(problem({"--max-body", "10MB"}), "--max-body is a number of bytes from 1024 to 1073741824, not 10MB");
  EXPECT_EQ(problem({"--max-body", "1024"}), "");
}

TEST(ParseServeArgs, OtherNumbersKeepTheirRanges) {
  EXPECT_EQ(problem({"--writer-nice", "25"}), "--writer-nice is a nice value from -20 to 19, not 25");
  EXPECT_EQ(problem({"--http-threads", "0"}), "--http-threads is a number of threads from 1 to 4096, not 0");
  EXPECT_EQ(problem({"--keep-alive", "2s"}), "--keep-alive is a number of seconds from 1 to 300, not 2s");
}

// Given by name, --web must be a folder: otherwise the server would start and answer 404
// for every citizen page. The default (./web) may be missing: a warning, the API runs.
TEST(ParseServeArgs, AnExplicitWebFolderMustExist) {
  EXPECT_EQ(problem({"--web", "/nonexistent"}),
            "--web is the folder of the web apps (the repository's web/), and '/nonexistent' is not a folder");
  EXPECT_EQ(problem({"--web", BLANKETT_SOURCE_DIR "/README.md"}),
            "--web is the folder of the web apps (the repository's web/), and '" BLANKETT_SOURCE_DIR "/README.md' is not a folder");
  EXPECT_EQ(problem({"--web", BLANKETT_SOURCE_DIR "/web"}), "");
  EXPECT_EQ(web_dir_warning(BLANKETT_SOURCE_DIR "/web"), "");
  EXPECT_EQ(web_dir_warning("/nonexistent/web"),
            "WARNING: there is no web app folder /nonexistent/web: the citizen app (/f/{form-id}) is not served and the inbox "
            "and admin pages have no styles; the API works (give the repository's web/ with --web)");
}

TEST(ParseServeArgs, BindIsAnAddress) {
  EXPECT_EQ(problem({"--bind", "999.1.1.1"}),
            "--bind is an IP address of this machine (127.0.0.1, 0.0.0.0, ::1, ::) or a host name, not '999.1.1.1'");
  EXPECT_EQ(problem({"--bind", "0.0.0.0"}), "");
  EXPECT_EQ(problem({"--bind", "127.0.0.1"}), "");
}

TEST(ParseServeArgs, UnknownOptionsAndStrayArgumentsAreNamed) {
  EXPECT_EQ(problem({"--bogus"}), "unknown option --bogus (blankett serve --help lists the options)");
  EXPECT_EQ(problem({"--port", "8080", "--bogus", "x"}), "unknown option --bogus (blankett serve --help lists the options)");
  EXPECT_EQ(problem({"extra-arg"}), "unexpected argument 'extra-arg' (blankett serve --help lists the options)");
  EXPECT_EQ(problem({"--port"}), "--port needs a value");
  EXPECT_EQ(problem({"--smtp-starttls", "maybe"}), "--smtp-starttls is off or required, not 'maybe'");
}

}  // namespace
}  // namespace blankett
