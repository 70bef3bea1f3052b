// The case page's forms report what happened and what is wrong where it is: the
// assignment's field error (GOV.UK style, like the note's), the signing deadline's
// confirmations, and the list's search limit counted in characters, not bytes.
#include <gtest/gtest.h>

#include "html_page.h"
#include "inbox_test_support.h"

namespace blankett {
namespace inbox_test {
namespace {

bool has(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }

class InboxCasePageTest : public InboxServerTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(start());
    add_caseworker("anna", "Anna Andersson", {"skolskjuts"});
    cookie_ = login("anna") + "; blankett_lang=en";
    csrf_ = csrf(cookie_);
  }
  // A joint-custody application: the case waits for the second guardian's signature.
  std::string submit_awaiting_signature() {
    json answers = scenario_answers("skolskjuts", "happy-path-joint-custody-with-support.json");
    answers["needs_support"] = false;  // its medical certificate would need a real file
    return submit("skolskjuts", answers);
  }
  // POSTs a case form and follows its 303 to the page that confirms it.
  std::string post_and_follow(const std::string& path, httplib::Params params) {
    params.emplace("csrf", csrf_);
    httplib::Result res = post_form(path, cookie_, params);
    EXPECT_TRUE(res);
    if (!res) return "";
    EXPECT_EQ(res->status, 303) << res->body;
    httplib::Result page = get(res->get_header_value("Location"), cookie_);
    return page ? page->body : "";
  }

  std::string cookie_, csrf_;
};

TEST_F(InboxCasePageTest, AnInvalidAssigneeIsMarkedOnTheField) {
  const std::string reference = submit("skolskjuts", skolskjuts_answers());
  httplib::Result res = post_form("/inbox/cases/" + reference + "/assign", cookie_, {{"csrf", csrf_}, {"assignee", "999"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(has(res->body, "href=\"#assign-to\"")) << res->body;
  EXPECT_TRUE(has(res->body, "<p class=\"error-message\" id=\"assign-to-error\"><span class=\"visually-hidden\">Error:</span> "
                             "Choose a caseworker who handles this form</p>"));
  EXPECT_TRUE(has(res->body, "<select id=\"assign-to\" name=\"assignee\" aria-describedby=\"assign-to-error\" aria-invalid=\"true\">"));
  EXPECT_TRUE(has(res->body, "<div class=\"field field--error\"><label for=\"assign-to\">"));
  // Without a problem the field is plain.
  httplib::Result page = get("/inbox/cases/" + reference, cookie_);
  EXPECT_TRUE(has(page->body, "<select id=\"assign-to\" name=\"assignee\">"));
}

TEST_F(InboxCasePageTest, RemovingTheDeadlineSaysItWasRemoved) {
  const std::string reference = submit_awaiting_signature();
  const std::string path = "/inbox/cases/" + reference + "/signing-deadline";
  EXPECT_TRUE(has(post_and_follow(path, {{"action", "remove"}, {"signing_deadline", ""}}), "The case had no deadline to remove."));
  EXPECT_TRUE(has(post_and_follow(path, {{"action", "set"}, {"signing_deadline", "2099-12-01"}}), "The deadline has been saved."));
  const std::string removed = post_and_follow(path, {{"action", "remove"}, {"signing_deadline", "2099-12-01"}});
  EXPECT_TRUE(has(removed, "The deadline has been removed."));
  EXPECT_FALSE(has(removed, "The deadline has been saved."));
  // In Swedish too, as the rest of the page.
  httplib::Result sv = get("/inbox/cases/" + reference + "?done=deadline_removed", login("anna") + "; blankett_lang=sv");
  EXPECT_TRUE(has(sv->body, "Tidsfristen är borttagen."));
}

TEST_F(InboxCasePageTest, TheSearchLimitCountsCharactersNotBytes) {
  std::string sixty;
  for (int i = 0; i < 60; ++i) sixty += "å";  // 60 characters, 120 bytes
  httplib::Result ok = get("/inbox?q=" + url_encode(sixty), cookie_);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_FALSE(has(ok->body, "The search can be at most 100 characters"));
  httplib::Result too_long = get("/inbox?q=" + url_encode(sixty + sixty), cookie_);
  ASSERT_TRUE(too_long);
  EXPECT_TRUE(has(too_long->body, "The search can be at most 100 characters"));
}

}  // namespace
}  // namespace inbox_test
}  // namespace blankett
