// The caseworker's inbox against a real server: who sees what (a case of another form is
// 404 everywhere), the list and its filters, the case page, status changes (CSRF, stale
// pages, transitions), assignment, notes, attachments, statistics, and the audit log.
#include <chrono>
#include <ctime>
#include <regex>

#include "inbox_test_support.h"

namespace blankett {
namespace {

using namespace inbox_test;

class InboxPagesTest : public InboxServerTest {};

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

std::string hidden_value(const std::string& html, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(html, m, std::regex("name=\"" + name + "\" value=\"([^\"]*)\""))) return "";
  return m[1];
}

TEST_F(InboxPagesTest, ListShowsTheCaseworkersCasesNewestFirst) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts"});
  const std::string first = submit("skolskjuts", skolskjuts_answers());
  const std::string second = submit("skolskjuts", skolskjuts_answers());
  const std::string other = submit("kulturskola", kulturskola_answers());
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(other.empty());

  // Without a session: to the sign-in page, which comes back here.
  auto res = client_->Get("/inbox");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_NE(raw_headers("/inbox", "").find("\r\nLocation: /login?next=%2Finbox\r\n"), std::string::npos);

  const std::string anna = login("anna");
  res = get("/inbox?lang=en", anna);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string& html = res->body;
  EXPECT_NE(html.find("<caption id=\"cases-caption\" class=\"table__caption\">Cases, newest first</caption>"), std::string::npos);
  EXPECT_NE(html.find("<th scope=\"col\">Reference</th>"), std::string::npos);
  EXPECT_NE(html.find("href=\"/inbox/cases/" + first + "\""), std::string::npos);
  EXPECT_LT(html.find(second), html.find(first)) << "newest first";
  EXPECT_NE(html.find("Karin Berg"), std::string::npos) << "the applicant's name";
  EXPECT_NE(html.find("School transport application"), std::string::npos) << "the form's title in English";
  EXPECT_EQ(html.find(other), std::string::npos) << "another form's case is not listed";
  EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  // The filter form: labelled inputs, a GET form.
  for (const char* id : {"filter-form", "filter-status", "filter-from", "filter-to", "filter-q", "filter-mine"}) {
    EXPECT_NE(html.find(std::string("for=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(html.find("<input type=\"date\" id=\"filter-from\""), std::string::npos);
  EXPECT_EQ(html.find("kulturskola"), std::string::npos) << "only the user's forms are offered";
  EXPECT_EQ(html.find("<script"), std::string::npos);

  // Filters: status, search by name and reference, assigned to me.
  res = get("/inbox?status=in_progress", anna);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body.find(first), std::string::npos);
  EXPECT_NE(res->body.find("id=\"no-cases\""), std::string::npos);
  res = get("/inbox?status=new&form=skolskjuts", anna);
  EXPECT_NE(res->body.find(first), std::string::npos);
  res = get("/inbox?q=karin", anna);
  EXPECT_NE(res->body.find(first), std::string::npos);
  res = get("/inbox?q=" + first, anna);
  EXPECT_NE(res->body.find(first), std::string::npos);
  EXPECT_EQ(res->body.find(second), std::string::npos) << "the search by reference finds that case only";
  res = get("/inbox?q=nobody-by-that-name", anna);
  EXPECT_EQ(res->body.find(first), std::string::npos);
  res = get("/inbox?mine=1", anna);
  EXPECT_EQ(res->body.find(first), std::string::npos) << "nothing is assigned yet";
  res = get("/inbox?from=2000-01-01&to=2999-12-31", anna);
  EXPECT_NE(res->body.find(first), std::string::npos);
  res = get("/inbox?to=2000-01-01", anna);
  EXPECT_EQ(res->body.find(first), std::string::npos);
}

TEST_F(InboxPagesTest, BadFilterValuesGetAnErrorSummaryNotA500) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts"});
  const std::string anna = login("anna");
  const std::pair<const char*, const char*> cases[] = {
      {"/inbox?from=2026-13-45", "#filter-from"},
      {"/inbox?to=yesterday", "#filter-to"},
      {"/inbox?from=2026-08-20&to=2026-08-01", "#filter-to"},
      {"/inbox?status=lost", "#filter-status"},
      {"/inbox?form=kulturskola", "#filter-form"},
      {"/inbox?form=..%2F..%2Fetc", "#filter-form"},
      {"/inbox?from=2026-02-30", "#filter-from"},
  };
  for (const auto& [path, anchor] : cases) {
    auto res = get(std::string(path) + "&lang=en", anna);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 400) << path;
    EXPECT_NE(res->body.find("class=\"error-summary\""), std::string::npos) << path;
    EXPECT_NE(res->body.find(std::string("href=\"") + anchor + "\""), std::string::npos) << path;
    EXPECT_NE(res->body.find("aria-invalid=\"true\""), std::string::npos) << path;
    EXPECT_NE(res->body.find("<title>Error: Inbox"), std::string::npos) << path;
  }
  const std::string long_search(101, 'a');
  auto res = get("/inbox?q=" + long_search, anna);
  EXPECT_EQ(res->status, 400);
  // A cursor that is not ours is ignored, not an error.
  res = get("/inbox?before=abc", anna);
  EXPECT_EQ(res->status, 200);
  // And the exports refuse bad filters the same way.
  res = get("/inbox/export.csv?status=lost", anna);
  EXPECT_EQ(res->status, 400);
}

TEST_F(InboxPagesTest, KeysetPaginationCarriesTheFilters) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts"});
  std::vector<std::string> refs;
  for (int i = 0; i < 53; ++i) refs.push_back(submit("skolskjuts", skolskjuts_answers()));
  const std::string anna = login("anna");
  auto res = get("/inbox?status=new", anna);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(count_of(res->body, "<th scope=\"row\">"), 50);
  EXPECT_NE(res->body.find(refs.back()), std::string::npos);
  EXPECT_EQ(res->body.find(refs[0] + "\""), std::string::npos) << "the oldest are on the next page";
  std::smatch m;
  ASSERT_TRUE(std::regex_search(res->body, m, std::regex("<a rel=\"next\" href=\"(/inbox\\?[^\"]+)\">")));
  std::string next = m[1];
  next = std::regex_replace(next, std::regex("&amp;"), "&");
  EXPECT_NE(next.find("status=new"), std::string::npos) << next;
  EXPECT_NE(next.find("before="), std::string::npos) << next;
  res = get(next, anna);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(count_of(res->body, "<th scope=\"row\">"), 3);
  for (int i = 0; i < 3; ++i) EXPECT_NE(res->body.find(refs[i] + "\""), std::string::npos) << refs[i];
  EXPECT_EQ(res->body.find("rel=\"next\""), std::string::npos) << "no page after the last";
  EXPECT_NE(res->body.find("href=\"/inbox?status=new\""), std::string::npos) << "back to the newest, same filter";
}

TEST_F(InboxPagesTest, AnotherFormsCaseworkerGets404AndSeesNothing) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts"});
  add_caseworker("bertil", "Bertil Berg", {"kulturskola"});
  const std::string ref = submit("skolskjuts", skolskjuts_answers(), {});
  const json answers = scenario_answers("skolskjuts", "happy-path-joint-custody-with-support.json");
  json with_file = answers;
  with_file["medical_certificate"] = json::array({{{"name", "intyg.pdf"}, {"type", "application/pdf"}, {"size", kPdf.size()}, {"sha256", sha256_of(kPdf)}}});
  const std::string with_attachment = submit("skolskjuts", with_file, {{"intyg.pdf", kPdf}});
  ASSERT_FALSE(with_attachment.empty());
  const std::string bertil = login("bertil");
  const std::string token = csrf(bertil);

  for (const std::string& path : {"/inbox/cases/" + ref, "/inbox/cases/" + ref + "/print", "/inbox/cases/" + ref + "/export.json",
                                  "/inbox/cases/" + with_attachment + "/attachments/" + sha256_of(kPdf),
                                  std::string("/inbox/cases/NOPE-2026-000999"), std::string("/inbox/cases/%3Cscript%3E")}) {
    auto res = get(path, bertil);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find("Karin"), std::string::npos) << path;
  }
  // The 404 for an existing case of another form is the same page as for no case at all
  // (but for the language link, which keeps the path).
  auto main_of = [](const std::string& html) { return html.substr(html.find("<main")); };
  EXPECT_EQ(main_of(get("/inbox/cases/" + ref, bertil)->body), main_of(get("/inbox/cases/SKOL-2026-999999", bertil)->body));
  for (const char* action : {"status", "assign", "notes"}) {
    auto res = post_form("/inbox/cases/" + ref + "/" + action, bertil,
                         {{"csrf", token}, {"status", "in_progress"}, {"assignee", "0"}, {"note", "x"}, {"updated_at", ""}});
    EXPECT_EQ(res->status, 404) << action;
  }
  auto res = get("/inbox", bertil);
  EXPECT_EQ(res->body.find(ref), std::string::npos);
  res = get("/inbox/export.csv", bertil);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body.find(ref), std::string::npos);
  res = get("/inbox/export.jsonl", bertil);
  EXPECT_EQ(res->body.find(ref), std::string::npos);
  res = get("/inbox/export.csv?form=skolskjuts", bertil);
  EXPECT_EQ(res->status, 400);
  // Nothing changed: Anna still sees a new case without history.
  const std::string anna = login("anna");
  res = get("/inbox/cases/" + ref + "?lang=en", anna);
  ASSERT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("Nothing has happened in the case yet."), std::string::npos);

  // Someone who is no caseworker at all: 403.
  ASSERT_TRUE(add_user(*store_, NewUser{"admin", "Ada Admin", kPassword, {Role::admin}, {}}).ok());
  const std::string admin = login("admin");
  EXPECT_EQ(get("/inbox", admin)->status, 403);
  EXPECT_EQ(get("/inbox/cases/" + ref, admin)->status, 403);
}

TEST_F(InboxPagesTest, CasePageRendersTheAnswersWithTheEngineAndVerifiesTheReceipt) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts"});
  json answers = scenario_answers("skolskjuts", "happy-path-joint-custody-with-support.json");
  answers["medical_certificate"] = json::array({{{"name", "läkarintyg.pdf"}, {"type", "application/pdf"}, {"size", kPdf.size()}, {"sha256", sha256_of(kPdf)}}});
  const std::string ref = submit("skolskjuts", answers, {{"läkarintyg.pdf", kPdf}});
  ASSERT_FALSE(ref.empty());
  const std::string anna = login("anna");
  auto res = get("/inbox/cases/" + ref + "?lang=en", anna);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string& html = res->body;
  // Steps in order as headings, labels in English, display values from the engine.
  const size_t pupil = html.find("<h2>Pupil</h2>");
  const size_t guardians = html.find("<h2>Guardians</h2>");
  ASSERT_NE(pupil, std::string::npos);
  ASSERT_NE(guardians, std::string::npos);
  EXPECT_LT(pupil, guardians);
  EXPECT_NE(html.find("<dt>Pupil’s name</dt><dd>Alva Berg</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dd>12</dd>"), std::string::npos) << "the calculated age is shown";
  EXPECT_NE(html.find("<dd>5.5</dd>"), std::string::npos) << "a decimal as the engine writes it in English";
  // Swedish labels on the Swedish page.
  res = get("/inbox/cases/" + ref + "?lang=sv", anna);
  EXPECT_NE(res->body.find("<dt>Elevens namn</dt><dd>Alva Berg</dd>"), std::string::npos);
  EXPECT_NE(res->body.find("<dd>5,5</dd>"), std::string::npos);
  res = get("/inbox/cases/" + ref + "?lang=en", anna);

  // The receipt, verified now.
  EXPECT_NE(res->body.find("id=\"receipt-status\" data-verified=\"true\""), std::string::npos);
  EXPECT_NE(res->body.find(ref), std::string::npos);
  // The attachment: a link, its field, and a download with safe headers.
  const std::string link = "/inbox/cases/" + ref + "/attachments/" + sha256_of(kPdf);
  EXPECT_NE(res->body.find("href=\"" + link + "\">läkarintyg.pdf</a>"), std::string::npos);
  EXPECT_NE(res->body.find("Medical certificate"), std::string::npos);
  auto file = get(link, anna);
  ASSERT_EQ(file->status, 200);
  EXPECT_EQ(file->body, kPdf);
  EXPECT_EQ(file->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(file->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(raw_headers(link, anna).find("\r\nContent-Disposition: attachment; filename=\"l__karintyg.pdf\"; filename*=UTF-8''l%C3%A4karintyg.pdf\r\n"),
            std::string::npos);
  // A file that exists but is not this case's: 404.
  const std::string other = submit("skolskjuts", skolskjuts_answers());
  EXPECT_EQ(get("/inbox/cases/" + other + "/attachments/" + sha256_of(kPdf), anna)->status, 404);

  // Opening the case is in the audit log, by the user, without personal data.
  bool viewed = false;
  for (const AuditEntry& e : audit_entries()) {
    if (e.action == "case.view" && e.target == "case:" + ref) {
      viewed = true;
      EXPECT_EQ(e.actor.rfind("user:", 0), 0u);
      EXPECT_EQ(e.detail.dump().find("Alva"), std::string::npos);
    }
  }
  EXPECT_TRUE(viewed);
}

TEST_F(InboxPagesTest, StatusChangesNeedCsrfAreCheckedForStalenessAndShowInTheHistory) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts"});
  const std::string ref = submit("skolskjuts", skolskjuts_answers());
  const std::string anna = login("anna") + "; blankett_lang=en";
  auto page = get("/inbox/cases/" + ref + "?lang=en", anna);
  ASSERT_EQ(page->status, 200);
  const std::string token = hidden_value(page->body, "csrf");
  const std::string updated_at = hidden_value(page->body, "updated_at");
  ASSERT_FALSE(token.empty());
  ASSERT_FALSE(updated_at.empty());
  // Only the allowed transitions are offered: from new, only "in progress".
  EXPECT_NE(page->body.find("value=\"in_progress\""), std::string::npos);
  EXPECT_EQ(page->body.find("name=\"status\" value=\"closed\""), std::string::npos);
  EXPECT_EQ(page->body.find("name=\"status\" value=\"decided\""), std::string::npos);

  const std::string action = "/inbox/cases/" + ref + "/status";
  auto res = post_form(action, anna, {{"csrf", "wrong"}, {"status", "in_progress"}, {"updated_at", updated_at}});
  EXPECT_EQ(res->status, 403);
  res = post_form(action, anna, {{"status", "in_progress"}, {"updated_at", updated_at}});
  EXPECT_EQ(res->status, 403);
  EXPECT_NE(get("/inbox/cases/" + ref + "?lang=en", anna)->body.find("Nothing has happened in the case yet."), std::string::npos);

  // A transition the rules do not allow: 409 with the reason on the page.
  res = post_form(action, anna, {{"csrf", token}, {"status", "closed"}, {"updated_at", updated_at}});
  EXPECT_EQ(res->status, 409);
  EXPECT_NE(res->body.find("The case cannot get that status"), std::string::npos);
  res = post_form(action, anna, {{"csrf", token}, {"updated_at", updated_at}});
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("href=\"#status-choice\""), std::string::npos);

  res = post_form(action, anna, {{"csrf", token}, {"status", "in_progress"}, {"updated_at", updated_at}});
  ASSERT_EQ(res->status, 303) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), "/inbox/cases/" + ref + "?done=status");
  page = get("/inbox/cases/" + ref + "?done=status&lang=en", anna);
  EXPECT_NE(page->body.find("The status has been changed."), std::string::npos);
  EXPECT_NE(page->body.find("Changed the status from New to In progress."), std::string::npos);
  EXPECT_NE(page->body.find("Anna Andersson"), std::string::npos);
  EXPECT_NE(page->body.find("<span class=\"tag tag--in_progress\">In progress</span>"), std::string::npos);

  // The same form sent again from the old page: someone changed the case since.
  res = post_form(action, anna, {{"csrf", token}, {"status", "decided"}, {"updated_at", updated_at}});
  EXPECT_EQ(res->status, 409);
  EXPECT_NE(res->body.find("Someone else changed the case"), std::string::npos);
  EXPECT_EQ(res->body.find("Changed the status from In progress to Decided."), std::string::npos);
  // From the fresh page it works; the list shows the new status.
  const std::string fresh = hidden_value(get("/inbox/cases/" + ref, anna)->body, "updated_at");
  res = post_form(action, anna, {{"csrf", token}, {"status", "decided"}, {"updated_at", fresh}});
  EXPECT_EQ(res->status, 303);
  EXPECT_NE(get("/inbox?status=decided", anna)->body.find(ref), std::string::npos);
}

TEST_F(InboxPagesTest, AssignmentAndNotes) {
  const int64_t anna_id = add_caseworker("anna", "Anna Andersson", {"skolskjuts"});
  const int64_t cecilia_id = add_caseworker("cecilia", "Cecilia Carlsson", {"skolskjuts"});
  const int64_t bertil_id = add_caseworker("bertil", "Bertil Berg", {"kulturskola"});
  const std::string ref = submit("skolskjuts", skolskjuts_answers());
  const std::string anna = login("anna") + "; blankett_lang=en";
  const std::string token = csrf(anna);
  auto page = get("/inbox/cases/" + ref + "?lang=en", anna);
  // Colleagues of the form are offered; a caseworker of another form is not.
  EXPECT_NE(page->body.find("<option value=\"" + std::to_string(cecilia_id) + "\">Cecilia Carlsson</option>"), std::string::npos);
  EXPECT_EQ(page->body.find("Bertil"), std::string::npos);

  const std::string assign = "/inbox/cases/" + ref + "/assign";
  auto res = post_form(assign, anna, {{"csrf", token}, {"assignee", std::to_string(bertil_id)}});
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("href=\"#assign-to\""), std::string::npos);
  res = post_form(assign, anna, {{"csrf", token}, {"assignee", "x"}});
  EXPECT_EQ(res->status, 400);
  res = post_form(assign, anna, {{"csrf", "nope"}, {"assignee", std::to_string(anna_id)}});
  EXPECT_EQ(res->status, 403);
  res = post_form(assign, anna, {{"csrf", token}, {"assignee", std::to_string(anna_id)}});
  EXPECT_EQ(res->status, 303);
  EXPECT_NE(get("/inbox?mine=1", anna)->body.find(ref), std::string::npos) << "now assigned to me";
  res = post_form(assign, anna, {{"csrf", token}, {"assignee", std::to_string(cecilia_id)}});
  EXPECT_EQ(res->status, 303);
  EXPECT_EQ(get("/inbox?mine=1", anna)->body.find(ref), std::string::npos);
  page = get("/inbox/cases/" + ref + "?lang=en", anna);
  EXPECT_NE(page->body.find("Assigned the case to Anna Andersson."), std::string::npos);
  EXPECT_NE(page->body.find("Assigned the case to Cecilia Carlsson."), std::string::npos);
  EXPECT_NE(page->body.find("<dd id=\"case-assignee\">Cecilia Carlsson</dd>"), std::string::npos);

  const std::string notes = "/inbox/cases/" + ref + "/notes";
  EXPECT_NE(page->body.find("enctype=\"multipart/form-data\" action=\"" + notes + "\""), std::string::npos);
  res = post_multipart_form(notes, anna, {{"csrf", token}, {"note", "   "}});
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("href=\"#note-text\""), std::string::npos);
  std::string too_long;
  for (int i = 0; i < 10001; ++i) too_long += "ä";  // characters, not bytes, are counted
  res = post_multipart_form(notes, anna, {{"csrf", token}, {"note", too_long}});
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find(too_long), std::string::npos) << "the typed note is kept";
  res = post_multipart_form(notes, anna, {{"csrf", token}, {"note", too_long.substr(2)}});
  EXPECT_EQ(res->status, 303) << "10,000 characters are allowed";
  res = post_multipart_form(notes, anna, {{"csrf", "nope"}, {"note", "x"}});
  EXPECT_EQ(res->status, 403);
  res = post_multipart_form(notes, anna, {{"csrf", token}, {"note", "Ringde vårdnadshavaren <b>idag</b>."}});
  EXPECT_EQ(res->status, 303);
  page = get("/inbox/cases/" + ref + "?lang=en", anna);
  EXPECT_NE(page->body.find("Ringde vårdnadshavaren &lt;b&gt;idag&lt;/b&gt;."), std::string::npos);
  EXPECT_EQ(page->body.find("<b>idag"), std::string::npos);
}

// "YYYY-MM-DDTHH:MM:SSZ", `minutes` ago.
std::string utc_minutes_ago(int minutes) {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - std::chrono::minutes(minutes));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TEST_F(InboxPagesTest, StatisticsPerFormOfTheUser) {
  add_caseworker("anna", "Anna Andersson", {"skolskjuts", "kulturskola"});
  add_caseworker("bertil", "Bertil Berg", {"arbetsgivarintyg"});
  // Two submissions whose browsers said when the first draft was saved (10 and 20
  // minutes before), one that did not say, and one refused (a required answer missing).
  int key = 0;
  auto post = [&](const json& answers, const json& client) {
    json body = {{"version", current_version("skolskjuts")}, {"answers", answers}};
    if (!client.is_null()) body["client"] = client;
    return client_->Post("/api/forms/skolskjuts/submissions", httplib::Headers{{"Idempotency-Key", "stats-key-" + std::to_string(++key)}},
                         body.dump(), "application/json");
  };
  EXPECT_EQ(post(skolskjuts_answers(), {{"draft_started_at", utc_minutes_ago(10)}})->status, 201);
  EXPECT_EQ(post(skolskjuts_answers(), {{"draft_started_at", utc_minutes_ago(20)}})->status, 201);
  EXPECT_EQ(post(skolskjuts_answers(), nullptr)->status, 201);
  json bad = skolskjuts_answers();
  bad.erase("pupil_name");
  EXPECT_EQ(post(bad, nullptr)->status, 422);

  const std::string anna = login("anna");
  auto res = get("/inbox/stats?lang=en", anna);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string& html = res->body;
  const size_t school = html.find("<h2 id=\"stats-skolskjuts\">School transport application</h2>");
  const size_t culture = html.find("<h2 id=\"stats-kulturskola\">");
  ASSERT_NE(school, std::string::npos);
  ASSERT_NE(culture, std::string::npos);
  EXPECT_EQ(html.find("stats-arbetsgivarintyg"), std::string::npos) << "only the user's forms";
  EXPECT_EQ(count_of(html, "<th scope=\"row\">"), 24) << "twelve weeks a form";
  EXPECT_NE(html.find("<th scope=\"col\">Week</th>"), std::string::npos);
  const std::string school_part = html.substr(std::min(school, culture), std::max(school, culture) - std::min(school, culture));
  const std::string culture_part = html.substr(std::max(school, culture));
  const std::string& skol = school < culture ? school_part : culture_part;
  const std::string& kult = school < culture ? culture_part : school_part;
  EXPECT_NE(skol.find("<dt>Submitted</dt><dd>3</dd>"), std::string::npos) << skol;
  EXPECT_NE(skol.find("<dt>Rejected by the server</dt><dd>1 (25.0 %)</dd>"), std::string::npos) << skol;
  EXPECT_NE(skol.find("<dt>Median time to fill in</dt><dd>15 min</dd>"), std::string::npos) << skol;
  EXPECT_NE(kult.find("<dt>Submitted</dt><dd>0</dd>"), std::string::npos);
  EXPECT_NE(kult.find("Not known"), std::string::npos) << "no browser reported a fill time";
  // This week's row holds the submissions.
  EXPECT_NE(skol.find("<td class=\"numeric\">3</td><td class=\"numeric\">1</td></tr></tbody>"), std::string::npos) << skol;
  // Swedish.
  res = get("/inbox/stats?lang=sv", anna);
  EXPECT_NE(res->body.find("1 (25,0 %)"), std::string::npos);
}

}  // namespace
}  // namespace blankett
