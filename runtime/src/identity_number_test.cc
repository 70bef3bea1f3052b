// Tests for blankett/identity_number.h with Skatteverket's published test numbers and numbers whose
// check digit was computed independently: every accepted input form, century resolution
// around `today` for '-' and '+', samordningsnummer, and each kind of problem.
#include "blankett/identity_number.h"

#include <gtest/gtest.h>

#include <string>

namespace blankett {
namespace {

Date ymd(int y, int m, int d) { return date_from_ymd(y, m, d); }

const Date kToday = ymd(2026, 1, 1);

// The normalised number, or the problem as text, so that failures show what happened.
std::string parse(std::string_view input, Date today = kToday, bool allow_samordning = true) {
  IdentityNumber id;
  switch (parse_personnummer(input, today, allow_samordning, &id)) {
    case IdentityProblem::None:
      return id.normalized;
    case IdentityProblem::Format:
      return "Format";
    case IdentityProblem::Date:
      return "Date";
    case IdentityProblem::Checksum:
      return "Checksum";
    case IdentityProblem::SamordningNotAllowed:
      return "SamordningNotAllowed";
  }
  return "?";
}

TEST(Identity, Luhn) {
  EXPECT_TRUE(luhn_valid("8112189876"));
  EXPECT_TRUE(luhn_valid("1212121212"));
  EXPECT_TRUE(luhn_valid("5560360793"));
  EXPECT_TRUE(luhn_valid("2021005489"));
  EXPECT_TRUE(luhn_valid("2120000142"));
  EXPECT_TRUE(luhn_valid("0000000000"));
  EXPECT_FALSE(luhn_valid("8112189875"));
  EXPECT_FALSE(luhn_valid("8112189877"));
  EXPECT_FALSE(luhn_valid("1812189876"));  // swapped digits
  EXPECT_FALSE(luhn_valid("811218987"));   // nine digits
  EXPECT_FALSE(luhn_valid("81121898760"));
  EXPECT_FALSE(luhn_valid("811218-9876"));
  EXPECT_FALSE(luhn_valid(""));
}

TEST(Identity, AllInputForms) {
  EXPECT_EQ(parse("19811218-9876"), "19811218-9876");
  EXPECT_EQ(parse("198112189876"), "19811218-9876");
  EXPECT_EQ(parse("811218-9876"), "19811218-9876");
  EXPECT_EQ(parse("8112189876"), "19811218-9876");
  EXPECT_EQ(parse("  811218-9876 "), "19811218-9876");
}

TEST(Identity, FillsBirthDate) {
  IdentityNumber id;
  ASSERT_EQ(parse_personnummer("811218-9876", kToday, true, &id), IdentityProblem::None);
  EXPECT_EQ(id.normalized, "19811218-9876");
  EXPECT_EQ(id.birth_date, ymd(1981, 12, 18));
  EXPECT_FALSE(id.samordningsnummer);
}

TEST(Identity, CenturyFromToday) {
  EXPECT_EQ(parse("121212-1212"), "20121212-1212");
  EXPECT_EQ(parse("121212-1212", ymd(2010, 1, 1)), "19121212-1212");
  EXPECT_EQ(parse("251231-1230"), "20251231-1230");
  EXPECT_EQ(parse("260101-1238"), "20260101-1238");  // born today
  EXPECT_EQ(parse("260102-1237"), "19260102-1237");  // tomorrow would be in the future
  EXPECT_EQ(parse("991231-1231"), "19991231-1231");
  EXPECT_EQ(parse("000229-1235"), "20000229-1235");
}

TEST(Identity, PlusMeansHundredYearsOrOlder) {
  EXPECT_EQ(parse("121212+1212"), "19121212-1212");
  EXPECT_EQ(parse("260101+1238"), "19260101-1238");  // exactly 100 today
  EXPECT_EQ(parse("260102+1237"), "18260102-1237");  // 100 tomorrow: a century earlier
  EXPECT_EQ(parse("811218+9876"), "18811218-9876");
  // 1900 was not a leap year: 29 February cannot be resolved to it.
  EXPECT_EQ(parse("000229+1235"), "Date");
}

TEST(Identity, Samordningsnummer) {
  IdentityNumber id;
  ASSERT_EQ(parse_personnummer("701063-2391", kToday, true, &id), IdentityProblem::None);
  EXPECT_EQ(id.normalized, "19701063-2391");
  EXPECT_EQ(id.birth_date, ymd(1970, 10, 3));
  EXPECT_TRUE(id.samordningsnummer);
  EXPECT_EQ(parse("19701063-2391"), "19701063-2391");
  EXPECT_EQ(parse("701091-1233"), "19701091-1233");  // day 91 = the 31st
  EXPECT_EQ(parse("701063-2391", kToday, false), "SamordningNotAllowed");
  EXPECT_EQ(parse("700191-2398"), "19700191-2398");  // 31 January
  EXPECT_EQ(parse("700289-2398"), "Date");           // 29 February 1970 does not exist
  EXPECT_EQ(parse("000289-1232"), "20000289-1232");  // 29 February 2000 does
}

TEST(Identity, DateProblems) {
  EXPECT_EQ(parse("810230-1234"), "Date");  // 30 February
  EXPECT_EQ(parse("811318-9876"), "Date");  // month 13
  EXPECT_EQ(parse("811200-9876"), "Date");  // day 0
  EXPECT_EQ(parse("811232-9876"), "Date");  // day 32 is neither a date nor a samordning day
  EXPECT_EQ(parse("811260-9876"), "Date");
  EXPECT_EQ(parse("811292-9876"), "Date");
  EXPECT_EQ(parse("20300101-1232"), "Date");  // twelve digits in the future
  EXPECT_EQ(parse("20260102-1237"), "Date");
  EXPECT_EQ(parse("20260101-1238"), "20260101-1238");
  EXPECT_EQ(parse("19000229-1235"), "Date");
}

TEST(Identity, ChecksumProblems) {
  EXPECT_EQ(parse("811218-9875"), "Checksum");
  EXPECT_EQ(parse("19811218-9877"), "Checksum");
  EXPECT_EQ(parse("701063-2390"), "Checksum");
  // A bad check digit on a samordningsnummer is reported as such, not as "not allowed".
  EXPECT_EQ(parse("701063-2390", kToday, false), "Checksum");
}

TEST(Identity, FormatProblems) {
  for (const char* bad : {"", " ", "81121-89876", "811218/9876", "811218 9876", "811218--9876",
                          "19811218+9876", "1981121-89876", "8112189876x", "81121898760",
                          "81 12 18-9876", "abcdef-ghij", "811218-987", "+8112189876"}) {
    EXPECT_EQ(parse(bad), "Format") << bad;
  }
}

TEST(Identity, OutputUntouchedOnProblem) {
  IdentityNumber id;
  id.normalized = "unchanged";
  EXPECT_EQ(parse_personnummer("811218-9875", kToday, true, &id), IdentityProblem::Checksum);
  EXPECT_EQ(id.normalized, "unchanged");
}

TEST(Identity, Orgnummer) {
  std::string out;
  ASSERT_TRUE(parse_orgnummer("556036-0793", &out));
  EXPECT_EQ(out, "556036-0793");
  ASSERT_TRUE(parse_orgnummer("5560360793", &out));
  EXPECT_EQ(out, "556036-0793");
  ASSERT_TRUE(parse_orgnummer("202100-5489", &out));
  EXPECT_EQ(out, "202100-5489");
  ASSERT_TRUE(parse_orgnummer(" 165560360793 ", &out));
  EXPECT_EQ(out, "556036-0793");
  ASSERT_TRUE(parse_orgnummer("16212000-0142", &out));
  EXPECT_EQ(out, "212000-0142");

  out = "unchanged";
  EXPECT_FALSE(parse_orgnummer("556036-0794", &out));   // check digit
  EXPECT_FALSE(parse_orgnummer("811218-9876", &out));   // third digit 1: a personnummer
  EXPECT_FALSE(parse_orgnummer("121212-1212", &out));
  EXPECT_FALSE(parse_orgnummer("556036+0793", &out));
  EXPECT_FALSE(parse_orgnummer("55603-60793", &out));
  EXPECT_FALSE(parse_orgnummer("175560360793", &out));  // only "16" may prefix
  EXPECT_FALSE(parse_orgnummer("55603607931", &out));
  EXPECT_FALSE(parse_orgnummer("", &out));
  EXPECT_EQ(out, "unchanged");
}

}  // namespace
}  // namespace blankett
