// The inbox's exports against a real server: CSV (header, rows, quoting, the formula
// guard, the form's answer columns), JSON Lines, one case as JSON, the printable page,
// and their audit entries.
#include "inbox_test_support.h"

namespace blankett {
namespace {

using namespace inbox_test;

class InboxExportTest : public InboxServerTest {};

const char* const kFixedHeader =
    "reference,form,version,received_at,status,assignee,applicant_name,applicant_number,answers_version,answers_reference";
constexpr size_t kFixedColumns = 10;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

TEST_F(InboxExportTest, CsvHasTheHeaderTheRowsAndNeutralisesFormulas) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts", "kulturskola"});
  json formula = skolskjuts_answers();
  formula["guardian1_name"] = "=cmd|' /C calc'!A0";
  formula["explanation"] = "+SUM(A1:A9)\n-2, \"quoted\"";
  formula["home_address"] = "@HYPERLINK(\"http://x\")";
  const std::string plain = submit("skolskjuts", skolskjuts_answers());
  const std::string dangerous = submit("skolskjuts", formula);
  const std::string other_form = submit("kulturskola", kulturskola_answers());
  ASSERT_FALSE(dangerous.empty());
  const std::string anna = login("anna");

  // Every form: the fixed columns only.
  auto res = get("/inbox/export.csv", anna);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(res->get_header_value("Content-Disposition").rfind("attachment; filename=\"cases-all-", 0), 0u);
  ASSERT_EQ(res->body.rfind("\xEF\xBB\xBF", 0), 0u) << "a UTF-8 BOM for Excel";
  std::vector<std::vector<std::string>> rows = parse_csv(res->body.substr(3));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(res->body.substr(3, res->body.find("\r\n") - 3), kFixedHeader);
  EXPECT_EQ(rows[1][0], other_form) << "newest first";
  EXPECT_EQ(rows[2][0], dangerous);
  EXPECT_EQ(rows[3][0], plain);
  EXPECT_EQ(rows[3][1], "skolskjuts");
  EXPECT_EQ(rows[3][2], current_version("skolskjuts"));
  EXPECT_EQ(rows[3][4], "new");
  EXPECT_EQ(rows[3][6], "Karin Berg");
  EXPECT_EQ(rows[3][7], "19811218-9876");
  EXPECT_EQ(rows[3][8], "1") << "the answers are the original version's";
  EXPECT_EQ(rows[3][9], plain);
  EXPECT_EQ(rows[2][6], "'=cmd|' /C calc'!A0") << "a formula is written as text";
  for (const auto& row : rows) EXPECT_EQ(row.size(), kFixedColumns);

  // One form: its answers as extra columns, in step order.
  res = get("/inbox/export.csv?form=skolskjuts", anna);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Disposition").rfind("attachment; filename=\"cases-skolskjuts-", 0), 0u);
  rows = parse_csv(res->body.substr(3));
  ASSERT_EQ(rows.size(), 3u);
  const std::vector<std::string>& header = rows[0];
  ASSERT_GT(header.size(), kFixedColumns);
  EXPECT_EQ(header[kFixedColumns], "pupil_name");
  EXPECT_EQ(header[kFixedColumns + 1], "pupil_pnr");
  EXPECT_EQ(header.back(), "confirm_correct");
  EXPECT_EQ(std::find(header.begin(), header.end(), "privacy_info"), header.end()) << "info texts hold no answers";
  auto column = [&header](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::vector<std::string>& row = rows[1];  // the dangerous one, newest of this form
  ASSERT_EQ(row.size(), header.size());
  EXPECT_EQ(row[0], dangerous);
  EXPECT_EQ(row[column("explanation")], "'+SUM(A1:A9)\n-2, \"quoted\"") << "quoted, newline and quotes kept";
  EXPECT_EQ(row[column("home_address")], "'@HYPERLINK(\"http://x\")");
  EXPECT_EQ(row[column("pupil_name")], "Alva Berg");
  EXPECT_EQ(row[column("pupil_age")], "12") << "calculated answers are exported";
  EXPECT_EQ(row[column("distance_km")], "5.5");
  EXPECT_EQ(row[column("needs_support")], "false");
  EXPECT_EQ(row[column("support_description")], "") << "hidden answers are not in the submission";
  // Formula-looking cells never reach a spreadsheet unguarded.
  for (const auto& r : rows) {
    for (const std::string& cell : r) {
      if (!cell.empty()) {
        EXPECT_EQ(std::string("=+-@\t\r").find(cell[0]), std::string::npos) << cell;
      }
    }
  }

  // Filtered: only what the filter selects.
  res = get("/inbox/export.csv?form=skolskjuts&q=" + plain, anna);
  rows = parse_csv(res->body.substr(3));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0], plain);

  // Every export is audited with its format and size, never its content.
  bool found = false;
  for (const AuditEntry& e : audit_entries()) {
    if (e.action == "cases.export" && e.detail.value("count", -1) == 3) {
      found = true;
      EXPECT_EQ(e.detail["format"], "csv");
      EXPECT_EQ(e.detail.dump().find("Karin"), std::string::npos);
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(InboxExportTest, JsonLinesHaveOneCaseALineWithItsSubmission) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts"});
  const std::string a = submit("skolskjuts", skolskjuts_answers());
  const std::string b = submit("skolskjuts", skolskjuts_answers());
  const std::string anna = login("anna");
  auto res = get("/inbox/export.jsonl?status=new", anna);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/x-ndjson; charset=utf-8");
  EXPECT_EQ(res->get_header_value("Content-Disposition").rfind("attachment; filename=\"cases-all-", 0), 0u);
  const std::vector<std::string> lines = lines_of(res->body);
  ASSERT_EQ(lines.size(), 2u);
  const json first = json::parse(lines[0]);
  EXPECT_EQ(first["reference"], b);
  EXPECT_EQ(first["form"], "skolskjuts");
  EXPECT_EQ(first["status"], "new");
  EXPECT_EQ(first["applicant_name"], "Karin Berg");
  EXPECT_EQ(first["assignee"], nullptr);
  EXPECT_EQ(first["submission"]["format"], "blankett-submission/1");
  EXPECT_EQ(first["submission"]["answers"]["pupil_name"], "Alva Berg");
  EXPECT_EQ(json::parse(lines[1])["reference"], a);
  // The submission is the canonical bytes, spliced as they were hashed.
  const size_t at = lines[0].find("\"submission\":");
  const std::string bytes = lines[0].substr(at + 13, lines[0].size() - at - 14);
  EXPECT_EQ(sha256_of(bytes), json::parse(get("/inbox/cases/" + b + "/export.json", anna)->body)["receipt"]["submission_sha256"]);
  // Nothing matches: an empty file, still audited.
  res = get("/inbox/export.jsonl?status=closed", anna);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "");
}

TEST_F(InboxExportTest, OneCaseAsJsonAndAsAPrintablePage) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts"});
  const std::string ref = submit("skolskjuts", skolskjuts_answers());
  const std::string anna = login("anna");
  const std::string token = csrf(anna);
  ASSERT_EQ(post_multipart_form("/inbox/cases/" + ref + "/notes", anna, {{"csrf", token}, {"note", "Kontrollerat avståndet."}})->status, 303);

  auto res = get("/inbox/cases/" + ref + "/export.json", anna);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(res->get_header_value("Content-Disposition"), "attachment; filename=\"" + ref + ".json\"");
  const json doc = json::parse(res->body);
  EXPECT_EQ(doc["format"], "blankett-case/1");
  EXPECT_EQ(doc["case"]["reference"], ref);
  EXPECT_EQ(doc["case"]["version"], current_version("skolskjuts"));
  EXPECT_EQ(doc["submission"]["answers"]["guardian1_name"], "Karin Berg");
  EXPECT_EQ(doc["receipt"]["reference"], ref);
  EXPECT_EQ(doc["receipt_verified"], true);
  ASSERT_EQ(doc["history"].size(), 1u);
  EXPECT_EQ(doc["history"][0]["kind"], "note");
  EXPECT_EQ(doc["history"][0]["user_name"], "Anna Andersson");
  EXPECT_EQ(doc["receipt"]["submission_sha256"], sha256_of(doc["submission"].dump()));

  res = get("/inbox/cases/" + ref + "/print?lang=en", anna);
  ASSERT_EQ(res->status, 200);
  const std::string& html = res->body;
  EXPECT_NE(html.find("<h1>Case " + ref + "</h1>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Pupil’s name</dt><dd>Alva Berg</dd>"), std::string::npos);
  EXPECT_NE(html.find("data-verified=\"true\""), std::string::npos);
  EXPECT_NE(html.find("<link rel=\"stylesheet\" href=\"/css/staff.css\">"), std::string::npos);
  EXPECT_EQ(html.find("<nav"), std::string::npos) << "no navigation on the printable page";
  EXPECT_EQ(html.find("action=\"/logout\""), std::string::npos);
  EXPECT_EQ(html.find("<form"), std::string::npos);

  int exports = 0;
  for (const AuditEntry& e : audit_entries()) {
    if (e.action == "case.export" && e.target == "case:" + ref) ++exports;
  }
  EXPECT_EQ(exports, 2) << "the JSON and the printable page";
}

}  // namespace
}  // namespace blankett
