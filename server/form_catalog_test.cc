// The catalog's start-up checks on the forms folder: a server must not start with a
// form it would serve under the wrong name.
#include "form_catalog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store_testing.h"
#include "temp_dir.h"
#include "test_server.h"

namespace blankett {
namespace {

class FormCatalogTest : public ::testing::Test {
 protected:
  void write_form(const std::string& folder, const std::string& id) {
    std::filesystem::create_directories(dir_.file("forms/" + folder));
    std::ofstream(dir_.file("forms/" + folder + "/form.json")) << tiny_form(id, "Namn");
  }
  Result<std::unique_ptr<FormCatalog>> load(const std::string& forms_dir) {
    return FormCatalog::load(forms_dir, must_open_store(dir_.file("blankett.db")));
  }

  TempDir dir_;
};

TEST_F(FormCatalogTest, LoadsFoldersNamedAfterTheirForms) {
  write_form("proov", "proov");
  write_form("annan", "annan");
  Result<std::unique_ptr<FormCatalog>> catalog = load(dir_.file("forms"));
  ASSERT_TRUE(catalog.ok()) << to_string(catalog.errors().front());
  EXPECT_EQ(catalog.value()->current().size(), 2u);
}

TEST_F(FormCatalogTest, RefusesAFolderNotNamedAfterItsForm) {
  write_form("proov", "proov");
  write_form("gammal", "annan");
  Result<std::unique_ptr<FormCatalog>> catalog = load(dir_.file("forms"));
  ASSERT_FALSE(catalog.ok());
  ASSERT_EQ(catalog.errors().size(), 1u);
  const Error& e = catalog.errors().front();
  EXPECT_EQ(e.code, "form.folder_name");
  EXPECT_EQ(e.pointer, "/id");
  EXPECT_EQ(e.message, dir_.file("forms/gammal/form.json") +
                           ": the form's id is 'annan' but its folder is named 'gammal': name the folder after the id (or change the id)");
}

TEST_F(FormCatalogTest, TheFolderItselfCountsHoweverItIsWritten) {
  write_form("proov", "proov");
  EXPECT_TRUE(load(dir_.file("forms/proov/")).ok());
  write_form("gammal", "annan");
  EXPECT_FALSE(load(dir_.file("forms/gammal/")).ok());
}

}  // namespace
}  // namespace blankett
