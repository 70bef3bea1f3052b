// The publishing workflow in the store and the catalog: four eyes (nobody publishes
// alone, whatever their roles), drafts never served, approvals and unpublishing taking
// effect at once and surviving a restart, and an audit entry for every step.
#include "publications.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "accounts.h"
#include "audit_log.h"
#include "form_catalog.h"
#include "test_server.h"

namespace blankett {
namespace {

using nlohmann::json;

std::string version_of(const std::string& text) { return form_version(*compile_form(text).value()); }

class PublicationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_folder_form(tiny_form("proov", "Namn"));
    store_ = std::make_unique<Store>(must_open_store(db_path()));
    dev_ = add("dev", {Role::developer});
    dev2_ = add("dev2", {Role::developer});
    owner_ = add("owner", {Role::owner});
    dev_owner_ = add("devowner", {Role::developer, Role::owner});
    admin_ = add("admin", {Role::admin});
    disabled_owner_ = add("gone", {Role::owner});
    ASSERT_TRUE(set_disabled(*store_, "gone", true).ok());
    catalog_ = load_catalog();
    ASSERT_NE(catalog_, nullptr);
  }

  std::string db_path() const { return dir_.file("blankett.db"); }
  void write_folder_form(const std::string& text) {
    std::filesystem::create_directories(dir_.file("forms/proov"));
    std::ofstream(dir_.file("forms/proov/form.json")) << text;
  }
  // A catalog as `blankett serve` makes one at start-up, on its own connection.
  std::unique_ptr<FormCatalog> load_catalog() {
    Result<std::unique_ptr<FormCatalog>> c = FormCatalog::load(dir_.file("forms"), must_open_store(db_path()));
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : to_string(c.errors().front()));
    return c.ok() ? std::move(c).value() : nullptr;
  }
  // Signing in plays no part here, so users go straight into the tables (insert_test_user).
  int64_t add(const std::string& username, std::vector<Role> roles) {
    return insert_test_user(*store_, username, "Name " + username, roles);
  }
  UploadResult upload(const std::string& text, int64_t user) {
    Result<UploadResult> up = upload_version(*store_, text, user);
    EXPECT_TRUE(up.ok()) << (up.ok() ? "" : to_string(up.errors().front()));
    return up.ok() ? up.value() : UploadResult{};
  }
  std::string current_version() {
    Result<std::optional<Publication>> p = current_publication(*store_, "proov");
    EXPECT_TRUE(p.ok());
    return p.ok() && p.value() ? p.value()->version : "";
  }
  std::vector<AuditEntry> audit() {
    Result<std::vector<AuditEntry>> entries = list_audit(*store_, 0, 100);
    EXPECT_TRUE(entries.ok());
    return entries.ok() ? entries.value() : std::vector<AuditEntry>{};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<FormCatalog> catalog_;
  int64_t dev_ = 0, dev2_ = 0, owner_ = 0, dev_owner_ = 0, admin_ = 0, disabled_owner_ = 0;
};

TEST_F(PublicationsTest, FolderVersionIsPublishedBySystemOnce) {
  const std::string v1 = version_of(tiny_form("proov", "Namn"));
  EXPECT_EQ(current_version(), v1);
  const std::vector<Publication> history = list_publications(*store_, "proov").value();
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].state, "published");
  EXPECT_EQ(history[0].uploaded_by, 0);  // the forms folder
  ASSERT_NE(catalog_->current("proov"), nullptr);
  EXPECT_EQ(form_version(*catalog_->current("proov")), v1);

  const std::vector<AuditEntry> entries = audit();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "form.publish");
  EXPECT_EQ(entries[0].actor, "system");
  EXPECT_EQ(entries[0].target, "form:proov");
  EXPECT_EQ(entries[0].detail["version"], v1);

  // A restart with the same folder changes nothing.
  ASSERT_NE(load_catalog(), nullptr);
  EXPECT_EQ(list_publications(*store_, "proov").value().size(), 1u);
  EXPECT_EQ(audit().size(), 1u);
}

TEST_F(PublicationsTest, SecondDeveloperCannotPublishAlone) {
  const std::string v1 = version_of(tiny_form("proov", "Namn"));
  const UploadResult up = upload(tiny_form("proov", "Ditt namn"), dev_);
  ASSERT_EQ(up.publication.state, "draft");
  EXPECT_TRUE(up.created);

  // Another developer without the owner role: refused.
  Result<Publication> by_dev2 = approve(*store_, up.publication.id, dev2_);
  ASSERT_FALSE(by_dev2.ok());
  EXPECT_EQ(by_dev2.errors().front().code, "publish.forbidden");
  EXPECT_EQ(publication_error_status(by_dev2.errors().front()), 403);
  // The uploader: refused, four eyes.
  Result<Publication> by_self = approve(*store_, up.publication.id, dev_);
  ASSERT_FALSE(by_self.ok());
  EXPECT_EQ(by_self.errors().front().code, "publish.four_eyes");
  // An admin is not implicitly an owner; a disabled owner is nobody.
  EXPECT_EQ(approve(*store_, up.publication.id, admin_).errors().front().code, "publish.forbidden");
  EXPECT_EQ(approve(*store_, up.publication.id, disabled_owner_).errors().front().code, "publish.forbidden");

  EXPECT_EQ(get_publication(*store_, up.publication.id).value()->state, "draft");
  EXPECT_EQ(current_version(), v1);
  for (const AuditEntry& e : audit()) EXPECT_NE(e.action, "form.approve");
}

TEST_F(PublicationsTest, UploaderCannotApproveEvenWithTheOwnerRole) {
  const UploadResult up = upload(tiny_form("proov", "Ditt namn"), dev_owner_);
  Result<Publication> by_self = approve(*store_, up.publication.id, dev_owner_);
  ASSERT_FALSE(by_self.ok());
  EXPECT_EQ(by_self.errors().front().code, "publish.four_eyes");
  EXPECT_EQ(publication_error_status(by_self.errors().front()), 403);

  Result<Publication> by_other = approve(*store_, up.publication.id, owner_);
  ASSERT_TRUE(by_other.ok()) << to_string(by_other.errors().front());
  EXPECT_EQ(by_other.value().state, "published");
  EXPECT_EQ(by_other.value().decided_by, owner_);
  EXPECT_EQ(by_other.value().uploaded_by, dev_owner_);
  EXPECT_EQ(current_version(), up.publication.version);
  // Decided once: a second approval is refused.
  EXPECT_EQ(approve(*store_, up.publication.id, owner_).errors().front().code, "publish.not_draft");
  EXPECT_EQ(approve(*store_, 9999, owner_).errors().front().code, "publish.not_found");
}

TEST_F(PublicationsTest, OnlyDevelopersUpload) {
  Result<UploadResult> by_owner = upload_version(*store_, tiny_form("proov", "X"), owner_);
  ASSERT_FALSE(by_owner.ok());
  EXPECT_EQ(by_owner.errors().front().code, "publish.forbidden");
  EXPECT_EQ(upload_version(*store_, tiny_form("proov", "X"), admin_).errors().front().code, "publish.forbidden");
  EXPECT_EQ(upload_version(*store_, tiny_form("proov", "X"), 424242).errors().front().code, "publish.forbidden");
  EXPECT_TRUE(list_drafts(*store_).value().empty());
}

TEST_F(PublicationsTest, ApprovalMakesTheCatalogsCurrentVersionChange) {
  const std::string v1 = version_of(tiny_form("proov", "Namn"));
  const UploadResult up = upload(tiny_form("proov", "Ditt namn"), dev_);
  const std::string v2 = up.publication.version;
  // A draft is neither current nor served by version.
  EXPECT_EQ(form_version(*catalog_->current("proov")), v1);
  EXPECT_EQ(catalog_->version("proov", v2), nullptr);
  EXPECT_TRUE(has_form_version(*store_, "proov", v2).value());  // stored, all the same

  ASSERT_TRUE(approve(*store_, up.publication.id, owner_).ok());
  ASSERT_TRUE(catalog_->reload("proov").ok());
  ASSERT_NE(catalog_->current("proov"), nullptr);
  EXPECT_EQ(form_version(*catalog_->current("proov")), v2);
  EXPECT_NE(catalog_->version("proov", v2), nullptr);
  // The replaced version is still served: citizens who started on it can submit.
  EXPECT_NE(catalog_->version("proov", v1), nullptr);

  // publish() without a store round trip, for callers that have the compiled form.
  const FormPtr v1_form = catalog_->version("proov", v1);
  catalog_->publish(v1_form);
  EXPECT_EQ(form_version(*catalog_->current("proov")), v1);
}

TEST_F(PublicationsTest, NewestDecisionIsCurrentWhateverTheUploadOrder) {
  const UploadResult a = upload(tiny_form("proov", "A"), dev_);
  const UploadResult b = upload(tiny_form("proov", "B"), dev_);
  ASSERT_TRUE(approve(*store_, b.publication.id, owner_).ok());
  EXPECT_EQ(current_version(), b.publication.version);
  // Approved right after (same millisecond, likely): still the newer decision.
  ASSERT_TRUE(approve(*store_, a.publication.id, owner_).ok());
  EXPECT_EQ(current_version(), a.publication.version);
  const Publication pa = get_publication(*store_, a.publication.id).value().value();
  const Publication pb = get_publication(*store_, b.publication.id).value().value();
  EXPECT_GT(pa.decided_at, pb.decided_at);
}

TEST_F(PublicationsTest, DraftsAndRejectedVersionsAreNeverServed) {
  const UploadResult up = upload(tiny_form("proov", "Ditt namn"), dev_);
  Result<Publication> by_dev = reject(*store_, up.publication.id, dev2_);
  EXPECT_EQ(by_dev.errors().front().code, "publish.forbidden");
  Result<Publication> rejected = reject(*store_, up.publication.id, owner_);
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected.value().state, "rejected");
  EXPECT_EQ(catalog_->version("proov", up.publication.version), nullptr);
  EXPECT_FALSE(was_published(*store_, "proov", up.publication.version).value());
  EXPECT_EQ(approve(*store_, up.publication.id, owner_).errors().front().code, "publish.not_draft");
  EXPECT_EQ(audit()[0].action, "form.reject");
}

TEST_F(PublicationsTest, UnpublishTakesTheFormOfflineAndKeepsHistory) {
  const std::string v1 = version_of(tiny_form("proov", "Namn"));
  EXPECT_EQ(unpublish(*store_, "proov", dev_).errors().front().code, "publish.forbidden");
  Result<Publication> done = unpublish(*store_, "proov", owner_);
  ASSERT_TRUE(done.ok()) << to_string(done.errors().front());
  EXPECT_EQ(done.value().state, "unpublished");
  EXPECT_FALSE(current_publication(*store_, "proov").value().has_value());
  EXPECT_TRUE(current_published(*store_).value().empty());
  ASSERT_TRUE(catalog_->reload("proov").ok());
  EXPECT_EQ(catalog_->current("proov"), nullptr);
  EXPECT_TRUE(catalog_->current().empty());
  // The history stays, and the version once published is still a published version.
  EXPECT_EQ(list_publications(*store_, "proov").value().size(), 1u);
  EXPECT_TRUE(was_published(*store_, "proov", v1).value());
  EXPECT_EQ(unpublish(*store_, "proov", owner_).errors().front().code, "publish.not_published");

  const AuditEntry last = audit()[0];
  EXPECT_EQ(last.action, "form.unpublish");
  EXPECT_EQ(last.actor, "user:" + std::to_string(owner_));
  EXPECT_EQ(last.target, "form:proov");

  // A restart with the same folder does not bring it back: the folder version was
  // published before.
  std::unique_ptr<FormCatalog> restarted = load_catalog();
  ASSERT_NE(restarted, nullptr);
  EXPECT_EQ(restarted->current("proov"), nullptr);

  // A new approval brings the form back.
  const UploadResult up = upload(tiny_form("proov", "Tillbaka"), dev_);
  EXPECT_TRUE(up.diff.empty());  // nothing published to compare with
  EXPECT_TRUE(up.previous_version.empty());
  ASSERT_TRUE(approve(*store_, up.publication.id, owner_).ok());
  EXPECT_EQ(current_version(), up.publication.version);
}

TEST_F(PublicationsTest, RestartKeepsTheApprovedVersionCurrent) {
  const UploadResult up = upload(tiny_form("proov", "Ditt namn"), dev_);
  ASSERT_TRUE(approve(*store_, up.publication.id, owner_).ok());
  catalog_.reset();
  std::unique_ptr<FormCatalog> restarted = load_catalog();
  ASSERT_NE(restarted, nullptr);
  ASSERT_NE(restarted->current("proov"), nullptr);
  EXPECT_EQ(form_version(*restarted->current("proov")), up.publication.version);
  EXPECT_EQ(list_publications(*store_, "proov").value().size(), 2u);

  // A new version in the folder is newer than the approval: it is published.
  write_folder_form(tiny_form("proov", "Från mappen"));
  restarted = load_catalog();
  ASSERT_NE(restarted, nullptr);
  EXPECT_EQ(form_version(*restarted->current("proov")), version_of(tiny_form("proov", "Från mappen")));
}

TEST_F(PublicationsTest, EveryStepIsAudited) {
  const UploadResult up = upload(tiny_form("proov", "Ditt namn"), dev_);
  ASSERT_TRUE(approve(*store_, up.publication.id, owner_).ok());
  const std::vector<AuditEntry> entries = audit();  // newest first
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[3].action, "form.publish");  // the forms folder at start-up
  EXPECT_EQ(entries[2].action, "form.upload");
  EXPECT_EQ(entries[2].actor, "user:" + std::to_string(dev_));
  EXPECT_EQ(entries[2].detail["publication"], up.publication.id);
  EXPECT_EQ(entries[1].action, "form.approve");
  EXPECT_EQ(entries[1].actor, "user:" + std::to_string(owner_));
  EXPECT_EQ(entries[1].detail["uploaded_by"], dev_);
  EXPECT_EQ(entries[0].action, "form.publish");
  EXPECT_EQ(entries[0].detail["version"], up.publication.version);
  EXPECT_EQ(entries[0].detail["previous_version"], version_of(tiny_form("proov", "Namn")));
  for (const AuditEntry& e : entries) {
    EXPECT_EQ(e.detail.dump().find("Name "), std::string::npos);  // ids only, no names
    EXPECT_EQ(e.target, "form:proov");
  }
  EXPECT_TRUE(verify_audit_chain(*store_).value().empty());
}

TEST_F(PublicationsTest, BrokenFormIsRefusedWithEveryProblem) {
  const std::string broken = "{\n  \"format\": 1,\n  \"id\": \"proov\",\n  \"steps\": 3\n}";
  Result<UploadResult> up = upload_version(*store_, broken, dev_);
  ASSERT_FALSE(up.ok());
  for (const Error& e : up.errors()) {
    EXPECT_EQ(publication_error_status(e), 422) << e.code;
    EXPECT_FALSE(e.code.empty());
  }
  bool located = false;
  for (const Error& e : up.errors()) located = located || (e.pointer == "/steps" && e.line == 4);
  EXPECT_TRUE(located) << to_string(up.errors().front());
  EXPECT_EQ(upload_version(*store_, "not json", dev_).errors().front().code.rfind("json.", 0), 0u);
  EXPECT_TRUE(list_drafts(*store_).value().empty());
  EXPECT_EQ(audit().size(), 1u);  // only the folder's publication
}

TEST_F(PublicationsTest, UploadIsIdempotentPerUploaderAndRenewsThePreviewLink) {
  const std::string text = tiny_form("proov", "Ditt namn");
  const UploadResult first = upload(text, dev_);
  ASSERT_FALSE(first.preview_token.empty());
  EXPECT_EQ(find_preview(*store_, first.preview_token).value()->id, first.publication.id);

  const UploadResult again = upload(text, dev_);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.publication.id, first.publication.id);
  EXPECT_NE(again.preview_token, first.preview_token);
  EXPECT_FALSE(find_preview(*store_, first.preview_token).value().has_value());  // the old link is dead
  EXPECT_TRUE(find_preview(*store_, again.preview_token).value().has_value());

  const UploadResult other = upload(text, dev2_);  // another uploader: another draft
  EXPECT_TRUE(other.created);
  EXPECT_NE(other.publication.id, first.publication.id);
  EXPECT_EQ(list_drafts(*store_).value().size(), 2u);

  // The current version again: nothing to approve.
  const UploadResult current = upload(tiny_form("proov", "Namn"), dev_);
  EXPECT_FALSE(current.created);
  EXPECT_EQ(current.publication.state, "published");
  EXPECT_TRUE(current.preview_token.empty());

  // Decided drafts have no preview; a new link can be made only for a draft.
  ASSERT_TRUE(approve(*store_, first.publication.id, owner_).ok());
  EXPECT_FALSE(find_preview(*store_, again.preview_token).value().has_value());
  EXPECT_EQ(renew_preview_token(*store_, first.publication.id, owner_).errors().front().code, "publish.not_draft");
  Result<std::string> renewed = renew_preview_token(*store_, other.publication.id, owner_);
  ASSERT_TRUE(renewed.ok());
  EXPECT_EQ(find_preview(*store_, renewed.value()).value()->id, other.publication.id);
  EXPECT_FALSE(find_preview(*store_, "").value().has_value());
}

TEST_F(PublicationsTest, DiffIsAJsonPatchAgainstThePublishedVersion) {
  const UploadResult up = upload(tiny_form("proov", "Ditt namn"), dev_);
  EXPECT_EQ(up.previous_version, version_of(tiny_form("proov", "Namn")));
  const json expected = json::parse(R"([
    {"op": "replace", "path": "/steps/0/fields/0/label/en", "value": "Ditt namn"},
    {"op": "replace", "path": "/steps/0/fields/0/label/sv", "value": "Ditt namn"}])");
  EXPECT_EQ(up.diff, expected);
  EXPECT_EQ(definition_diff(json{{"a", 1}}, json{{"a", 1}}), json::array());
}

}  // namespace
}  // namespace blankett
