// Script injection through answers: payloads in every free-text answer of the example
// forms (text and textarea fields, top-level and in a repeat group) and in an attachment's
// file name stay inert in every inbox page and export. Choice, date, number, email and
// personal-number answers are checked by the engine, so they cannot carry markup.
#include "inbox_test_support.h"

namespace blankett {
namespace {

using namespace inbox_test;

class InboxXssTest : public InboxServerTest {};

const std::string kScript = "<script>alert(1)</script>";
const std::string kImg = "\"><img src=x onerror=alert(1)>";
const std::string kJs = "javascript:alert(1)";
const std::string kSvg = "'><svg onload=alert(1)>";
const std::string kFileName = "\"><img src=x onerror=alert(1)>.pdf";

// An HTML response: none of the payloads' markup is live, and the script payload is
// there, escaped (so the page did render it).
void expect_inert_html(const httplib::Result& res, const std::string& what) {
  ASSERT_TRUE(res) << what;
  ASSERT_EQ(res->status, 200) << what << "\n" << res->body;
  const std::string& html = res->body;
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8") << what;
  EXPECT_EQ(html.find("<script"), std::string::npos) << what;
  EXPECT_EQ(html.find("<img"), std::string::npos) << what;
  EXPECT_EQ(html.find("<svg"), std::string::npos) << what;
  EXPECT_EQ(html.find("\"javascript:"), std::string::npos) << what;
  EXPECT_EQ(html.find("'><"), std::string::npos) << what;
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << what;
}

// A non-HTML export: served as a download of its own type that browsers do not sniff.
void expect_download(const httplib::Result& res, const std::string& type, const std::string& what) {
  ASSERT_TRUE(res) << what;
  ASSERT_EQ(res->status, 200) << what;
  EXPECT_EQ(res->get_header_value("Content-Type"), type) << what;
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << what;
  EXPECT_EQ(res->get_header_value("Content-Disposition").rfind("attachment; filename=\"", 0), 0u) << what;
}

TEST_F(InboxXssTest, PayloadsInEveryFreeTextAnswerStayInert) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts", "kulturskola"});
  json school = scenario_answers("skolskjuts", "happy-path-joint-custody-with-support.json");
  school["pupil_name"] = kScript;
  school["school"] = "other";
  school["school_other"] = kImg;
  school["home_address"] = kJs;
  school["postal_town"] = kSvg;
  school["explanation"] = kScript + "\n" + kImg;
  school["guardian1_name"] = kImg + kScript;
  school["guardian2_name"] = kScript;
  school["support_description"] = kScript + kSvg;
  school["medical_certificate"] = json::array({{{"name", kFileName}, {"type", "application/pdf"}, {"size", kPdf.size()}, {"sha256", sha256_of(kPdf)}}});
  const std::string school_ref = submit("skolskjuts", school, {{"intyg.pdf", kPdf}});
  ASSERT_FALSE(school_ref.empty());

  json culture = kulturskola_answers();
  culture["guardian_name"] = kScript;
  culture["guardian_address"] = kImg;
  culture["guardian_city"] = kSvg;
  culture["children"][0]["child_name"] = kScript;
  culture["children"][1]["child_name"] = kJs;
  culture["children"][1]["adaptation_description"] = kImg + kScript;
  const std::string culture_ref = submit("kulturskola", culture);
  ASSERT_FALSE(culture_ref.empty());

  const std::string anna = login("anna");
  for (const std::string lang : {"sv", "en"}) {
    expect_inert_html(get("/inbox?lang=" + lang, anna), "list " + lang);
    for (const std::string& ref : {school_ref, culture_ref}) {
      expect_inert_html(get("/inbox/cases/" + ref + "?lang=" + lang, anna), "case " + ref + " " + lang);
      expect_inert_html(get("/inbox/cases/" + ref + "/print?lang=" + lang, anna), "print " + ref + " " + lang);
    }
  }
  // The search box echoes what was typed, escaped; the list still finds the case.
  auto res = get("/inbox?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", anna);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->body.find("<script"), std::string::npos);
  EXPECT_NE(res->body.find("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""), std::string::npos);
  // A note with markup, shown in the history.
  const std::string token = csrf(anna);
  ASSERT_EQ(post_multipart_form("/inbox/cases/" + school_ref + "/notes", anna, {{"csrf", token}, {"note", kImg + kScript}})->status, 303);
  expect_inert_html(get("/inbox/cases/" + school_ref, anna), "case with a note");

  // The attachment's name is escaped on the page and made safe in the download's header.
  const std::string page = get("/inbox/cases/" + school_ref, anna)->body;
  EXPECT_NE(page.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.pdf</a>"), std::string::npos);
  const std::string download = "/inbox/cases/" + school_ref + "/attachments/" + sha256_of(kPdf);
  expect_download(get(download, anna), "application/pdf", "attachment");
  EXPECT_NE(raw_headers(download, anna).find("\r\nContent-Disposition: attachment; filename=\"___img_src_x_onerror_alert_1__.pdf\"; "
                                             "filename*=UTF-8''%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.pdf\r\n"),
            std::string::npos);

  // JSON: the payloads only as JSON string values, exactly as typed.
  res = get("/inbox/cases/" + school_ref + "/export.json", anna);
  expect_download(res, "application/json; charset=utf-8", "export.json");
  const json doc = json::parse(res->body);
  EXPECT_EQ(doc["submission"]["answers"]["pupil_name"], kScript);
  EXPECT_EQ(doc["submission"]["answers"]["school_other"], kImg);
  EXPECT_EQ(doc["attachments"][0]["name"], kFileName);
  res = get("/inbox/cases/" + culture_ref + "/export.json", anna);
  EXPECT_EQ(json::parse(res->body)["submission"]["answers"]["children"][1]["adaptation_description"], kImg + kScript);

  res = get("/inbox/export.jsonl", anna);
  expect_download(res, "application/x-ndjson; charset=utf-8", "export.jsonl");
  int lines = 0;
  for (size_t start = 0; start < res->body.size();) {
    const size_t end = res->body.find('\n', start);
    const json line = json::parse(res->body.substr(start, end - start));  // throws on anything but JSON
    EXPECT_TRUE(line["submission"].is_object());
    ++lines;
    start = end + 1;
  }
  EXPECT_EQ(lines, 2);

  // CSV: text/csv as a download; the values as typed, correctly quoted.
  for (const std::string form : {"skolskjuts", "kulturskola"}) {
    res = get("/inbox/export.csv?form=" + form, anna);
    expect_download(res, "text/csv; charset=utf-8", "csv " + form);
    const auto rows = parse_csv(res->body.substr(3));
    ASSERT_EQ(rows.size(), 2u) << form;
    ASSERT_EQ(rows[1].size(), rows[0].size()) << form << ": a payload broke the quoting";
    if (form == "skolskjuts") {
      const auto at = std::find(rows[0].begin(), rows[0].end(), "school_other") - rows[0].begin();
      EXPECT_EQ(rows[1][static_cast<size_t>(at)], kImg);
      EXPECT_EQ(rows[1][6], kImg + kScript) << "the applicant's name";
    }
  }
}

}  // namespace
}  // namespace blankett
