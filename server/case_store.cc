// Cases: lists (keyset pagination, filters, search), the changes a caseworker makes, the
// export stream and the usage statistics.
//
// Index of this file:
//   [SECTION] statuses
//   [SECTION] search terms
//   [SECTION] dates and timestamps
//   [SECTION] lists and search
//   [SECTION] changes
//   [SECTION] statistics
//
// How the lists stay fast (bench/inbox_bench.cc measures them on 1,000,000 cases):
// a page is found in two steps (run_page): first its seqs, from cases and case_terms
// alone, then those rows with the assignee's name (and the submission, for exports).
// - Without a search, `form_id IN (…) AND seq < ? ORDER BY seq DESC LIMIT n` over
//   cases_by_form (or cases_by_form_status, …). For each form the index yields seqs newest
//   first, and SQLite stops each form's range once it cannot beat the n it has, so a page
//   reads about n index entries per form whatever page it is.
// - With a search, each word stands for the stored terms it is a prefix of; the word with
//   the fewest drives, one walk per term through case_terms' key (term, seq), newest
//   first, merged here until the page is full (search_seqs).
// - A date range also bounds seq (received_at never decreases along seq), which lets
//   both skip the cases outside it in the index.
#include "case_store.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <variant>

#include "audit_log.h"
#include "blankett/date.h"
#include "blankett/utf8.h"
#include "clock.h"
#include "completion_store.h"

namespace blankett {

namespace {

using nlohmann::json;


Error case_error(const char* code, std::string message) { return Error{code, "", 0, 0, std::move(message)}; }

}  // namespace

// ---------------------------------------------------------------------------------------
// [SECTION] statuses
// ---------------------------------------------------------------------------------------

const char* case_status_name(CaseStatus s) {
  switch (s) {
    case CaseStatus::awaiting_signatures: return "awaiting_signatures";
    case CaseStatus::new_case: return "new";
    case CaseStatus::in_progress: return "in_progress";
    case CaseStatus::awaiting_completion: return "awaiting_completion";
    case CaseStatus::decided: return "decided";
    case CaseStatus::closed: return "closed";
  }
  return "new";
}

std::optional<CaseStatus> parse_case_status(std::string_view name) {
  for (CaseStatus s : kAllCaseStatuses) {
    if (name == case_status_name(s)) return s;
  }
  return std::nullopt;
}

// A case moves forward; it goes back only where work resumes: a completion arrived
// (awaiting_completion → in_progress) or a decision is reopened (decided → in_progress).
// A closed case stays closed: its retention clock has started. A case awaiting
// signatures becomes new only by its last signature (signature_store.h); a caseworker
// may only close it (the applicant withdrew, say).
bool case_transition_allowed(CaseStatus from, CaseStatus to) {
  using S = CaseStatus;
  switch (from) {
    case S::awaiting_signatures: return to == S::closed;
    case S::new_case: return to == S::in_progress;
    case S::in_progress: return to == S::awaiting_completion || to == S::decided;
    case S::awaiting_completion: return to == S::in_progress || to == S::decided;
    case S::decided: return to == S::closed || to == S::in_progress;
    case S::closed: return false;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// [SECTION] search terms
// ---------------------------------------------------------------------------------------

namespace {

// Lower-cases ASCII and the Latin-1 letters of UTF-8 (Å Ä Ö É Ü Ø Æ and their kin are
// C3 80–9E; lower case is 0x20 above, except × at C3 97). Other text is left as it is:
// both the stored terms and the query pass through here, so they still agree.
std::string fold_case(std::string_view text) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      const unsigned char next = static_cast<unsigned char>(out[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97) out[i + 1] = static_cast<char>(next + 0x20);
      ++i;
    }
  }
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string digits_of(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (is_digit(c)) out += c;
  }
  return out;
}

// A personal identity number as the citizen may type it: "YYYYMMDD-NNNN",
// "YYYYMMDDNNNN", "YYMMDD-NNNN", "YYMMDDNNNN" (also with "+" for 100 years or more).
// Returns its digits, or "" when the text is not of that shape.
std::string personal_number_digits(std::string_view text) {
  int separators = 0;
  for (char c : text) {
    if (c == '-' || c == '+') {
      ++separators;
    } else if (!is_digit(c)) {
      return "";
    }
  }
  const std::string digits = digits_of(text);
  if (separators > 1 || (digits.size() != 12 && digits.size() != 10)) return "";
  if (separators == 1) {
    const size_t sep = text.find_first_of("-+");
    if (text.size() - sep - 1 != 4) return "";  // the separator comes before the last four
  }
  return digits;
}

std::vector<std::string> split_on(std::string_view text, std::string_view separators) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find_first_of(separators, start);
    const std::string_view word = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!word.empty()) out.emplace_back(word);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

constexpr std::string_view kSpaces = " \t\r\n\f\v,;";

// A version's reference ("SKOL-2026-000123-2": letters, year, number, version) → the
// case's ("SKOL-2026-000123"); anything else is returned as it is. The receipt of a
// completion reply names its version, and the applicant quotes that: it finds the case.
std::string case_reference_of(const std::string& word) {
  const std::vector<std::string> parts = split_on(word, "-");
  const bool version_shaped = parts.size() == 4 && word.find("--") == std::string::npos && word.back() != '-' &&
                              std::none_of(parts[0].begin(), parts[0].end(), is_digit) &&
                              std::all_of(parts.begin() + 1, parts.end(), [](const std::string& p) {
                                return std::all_of(p.begin(), p.end(), is_digit);
                              });
  return version_shaped ? word.substr(0, word.rfind('-')) : word;
}

// The search words of a query, normalised as case_search_terms stores terms. A word
// with digits is kept whole (a reference "SKOL-2026-0001", a date of birth "19811218"),
// or reduced to its digits when it is a personal number, or to its case's reference when
// it is a version's; a word without digits is a name and splits at hyphens as stored
// names do ("Anna-Karin" → "anna", "karin").
std::vector<std::string> query_words(std::string_view query) {
  std::vector<std::string> words;
  for (const std::string& token : split_on(query, kSpaces)) {
    const std::string pnr = personal_number_digits(token);
    if (!pnr.empty()) {
      words.push_back(pnr);
    } else if (std::any_of(token.begin(), token.end(), is_digit)) {
      words.push_back(case_reference_of(fold_case(token)));
    } else {
      for (const std::string& part : split_on(token, "-")) words.push_back(fold_case(part));
    }
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

}  // namespace

std::vector<std::string> case_search_terms(std::string_view reference, std::string_view applicant_name,
                                           std::string_view applicant_number) {
  std::vector<std::string> terms;
  for (const std::string& word : split_on(applicant_name, std::string(kSpaces) + "-")) terms.push_back(fold_case(word));
  const std::string digits = digits_of(applicant_number);
  if (digits.size() == 12) {
    terms.push_back(digits);
    terms.push_back(digits.substr(2));
  } else if (digits.size() == 10) {
    terms.push_back(digits);
  }
  if (!reference.empty()) terms.push_back(fold_case(reference));
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  return terms;
}

// ---------------------------------------------------------------------------------------
// [SECTION] dates and timestamps
// ---------------------------------------------------------------------------------------

namespace {

// "YYYY-MM-DD" → days since the epoch, or nullopt for anything else (also 2026-02-30).
std::optional<int64_t> parse_day(std::string_view text) {
  Date day;
  if (!parse_iso_date(text, &day)) return std::nullopt;
  return day.days;
}

std::string format_day(int64_t days) { return format_iso_date(Date{static_cast<int32_t>(days)}); }

// "2026-W33": the ISO 8601 week (weeks start on Monday; week 1 holds the year's first
// Thursday), so that a week is never split at New Year.
std::string iso_week(int64_t days) {
  const int64_t weekday = ((days % 7) + 7 + 3) % 7;  // 0 = Monday (1970-01-01 was a Thursday)
  const int64_t thursday = days - weekday + 3;
  int year = 0, month = 0, day = 0;
  ymd_from_date(Date{static_cast<int32_t>(thursday)}, &year, &month, &day);
  const int64_t week = (thursday - date_from_ymd(year, 1, 1).days) / 7 + 1;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", year, static_cast<int>(week));
  return buf;
}

int64_t monday_of(int64_t days) { return days - (((days % 7) + 7 + 3) % 7); }

}  // namespace

std::string case_updated_at_after(const std::string& before, const std::string& now) {
  if (now > before) return now;
  const std::optional<int64_t> ms = parse_utc_ms(before);
  return ms ? format_utc_ms(*ms + 1) : now;
}

Result<bool> add_case_event(Store& store, int64_t seq, const std::string& at, int64_t user_id, const std::string& kind,
                            const nlohmann::json& detail) {
  Result<sql::Statement> s = prepare(store, "INSERT INTO case_events (seq, at, user_id, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  sql::bind_text(s.value(), 2, at);
  if (user_id > 0) sql::bind_int64(s.value(), 3, user_id);
  else sql::bind_null(s.value(), 3);
  sql::bind_text(s.value(), 4, kind);
  // dump() throws on text that is not UTF-8; an exception would end the request as a
  // bare 500. The callers check their text first; this keeps the rest an ordinary error.
  std::string text;
  try {
    text = detail.dump();
  } catch (const json::exception&) {
    return Errors{case_error("case.bad_text", "the " + kind + " event holds text that is not valid UTF-8")};
  }
  sql::bind_text(s.value(), 5, text);
  return sql::run(s.value());
}

// ---------------------------------------------------------------------------------------
// [SECTION] lists and search
// ---------------------------------------------------------------------------------------

namespace {

constexpr const char* kCaseColumns =
    "c.seq, c.reference, c.form_id, c.received_at, c.status, COALESCE(c.assignee, 0), COALESCE(u.display_name, ''), "
    "c.applicant_name, c.applicant_number, c.updated_at, c.applicant_email, COALESCE(c.signing_deadline, ''), c.flag";
// After kCaseColumns, when the current answers are selected (kAnswersColumns).
constexpr int kCanonicalColumn = 13;
constexpr int kAnswersVersionColumn = 14;
constexpr int kAnswersSeqColumn = 15;
constexpr int kAnswersReferenceColumn = 16;
constexpr int kAnswersReceivedColumn = 17;
// The current answers of the case `c`: its latest version's submission `s` (version 1,
// the case's own submission, while case_versions has none). The version is found through
// case_versions' key (case_seq, version), the submission by its seq.
constexpr const char* kAnswersColumns = ", s.canonical, COALESCE(v.version, 1), s.seq, s.reference, s.received_at";
constexpr const char* kAnswersJoin =
    " LEFT JOIN case_versions v ON v.case_seq = c.seq AND v.version = "
    "(SELECT MAX(x.version) FROM case_versions x WHERE x.case_seq = c.seq)"
    " JOIN submissions s ON s.seq = COALESCE(v.seq, c.seq)";

CaseSummary read_case(const sql::Statement& s) {
  CaseSummary c;
  c.seq = sql::column_int64(s, 0);
  c.reference = sql::column_text(s, 1);
  c.form_id = sql::column_text(s, 2);
  c.received_at = sql::column_text(s, 3);
  c.status = parse_case_status(sql::column_text(s, 4)).value_or(CaseStatus::new_case);
  c.assignee = sql::column_int64(s, 5);
  c.assignee_name = sql::column_text(s, 6);
  c.applicant_name = sql::column_text(s, 7);
  c.applicant_number = sql::column_text(s, 8);
  c.updated_at = sql::column_text(s, 9);
  c.applicant_email = sql::column_text(s, 10);
  c.signing_deadline = sql::column_text(s, 11);
  c.flag = sql::column_text(s, 12);
  return c;
}

// SQL with numbered parameters. The text is assembled from fixed fragments and
// placeholder numbers only; every value (form ids, words, dates) is bound.
struct Query {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> values;

  std::string param(std::variant<int64_t, std::string> value) {
    values.push_back(std::move(value));
    return "?" + std::to_string(values.size());
  }
  void bind(sql::Statement& s) const {
    for (size_t i = 0; i < values.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      if (const int64_t* n = std::get_if<int64_t>(&values[i])) {
        sql::bind_int64(s, index, *n);
      } else {
        sql::bind_text(s, index, std::get<std::string>(values[i]));
      }
    }
  }
};

// The last string that starts with `prefix`: U+10FFFF, the highest code point, after it.
std::string prefix_end(const std::string& prefix) { return prefix + "\xF4\x8F\xBF\xBF"; }

struct PageQuery {
  const CaseFilter* filter = nullptr;
  std::vector<std::string> words;  // query_words(filter->search)
  int64_t before_seq = 0;          // 0: from the newest
  int limit = 50;
  bool with_canonical = false;
};

// Checks the filter's dates; fills the exclusive end day.
Result<std::string> day_after(const std::string& day) {
  const std::optional<int64_t> d = parse_day(day);
  if (!d) return Errors{case_error("case.bad_date", "a date must be YYYY-MM-DD, not '" + day + "'")};
  return format_day(*d + 1);
}

// " AND …" for the filter's conditions on the case `c`, whose seq is `seq_column`.
Result<std::string> filter_conditions(Query& q, const CaseFilter& f, const char* seq_column, int64_t before_seq) {
  const std::string seq = seq_column;
  std::string sql = " AND " + seq + " < " + q.param(before_seq > 0 ? before_seq : std::numeric_limits<int64_t>::max());
  // Lists are padded (repeating a value changes nothing) so that the statement texts,
  // and with them the connection's cache of prepared statements, stay few.
  sql += " AND c.form_id IN (";
  const size_t padded = (f.form_ids.size() + 7) / 8 * 8;
  for (size_t i = 0; i < padded; ++i) sql += (i ? ", " : "") + q.param(f.form_ids[i < f.form_ids.size() ? i : 0]);
  sql += ")";
  if (f.status) sql += " AND c.status = " + q.param(std::string(case_status_name(*f.status)));
  // received_at never decreases along seq (SubmissionWriter takes care of it), so a date
  // range is also a seq range: the bounds let the indexes skip the rest. The received_at
  // conditions stay, and decide; their unary + keeps SQLite from choosing
  // cases_by_form_received for them, which would sort every case of the range (50 ms for
  // "since January last year") where the seq range stops after one page (0.2 ms).
  if (!f.received_from.empty()) {
    if (!parse_day(f.received_from)) {
      return Errors{case_error("case.bad_date", "a date must be YYYY-MM-DD, not '" + f.received_from + "'")};
    }
    const std::string from = q.param(f.received_from);
    sql += " AND +c.received_at >= " + from + " AND " + seq + " >= (SELECT seq FROM submissions WHERE received_at >= " +
           from + " ORDER BY received_at, seq LIMIT 1)";
  }
  if (!f.received_to.empty()) {
    Result<std::string> end = day_after(f.received_to);
    if (!end) return end.errors();
    const std::string to = q.param(end.value());
    sql += " AND +c.received_at < " + to + " AND " + seq + " <= (SELECT seq FROM submissions WHERE received_at < " + to +
           " ORDER BY received_at DESC, seq DESC LIMIT 1)";
  }
  if (f.assignee != 0) sql += " AND c.assignee = " + q.param(f.assignee);
  return sql;
}

// Runs a query that returns seqs, newest first; appends them to `out`.
Result<bool> collect_seqs(Store& store, const Query& q, std::vector<int64_t>* out) {
  Result<sql::Statement> s = prepare(store, q.sql);
  if (!s) return s.errors();
  q.bind(s.value());
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return true;
    out->push_back(sql::column_int64(s.value(), 0));
  }
}

// A word stands for many terms only when it is very short ("l", "19"); then its terms
// are not looked up one by one (see search_seqs).
constexpr size_t kMaxTermsPerWord = 16;

// The stored terms that start with `prefix`, at most kMaxTermsPerWord + 1 (one more says
// "too many"). One index seek each.
Result<std::vector<std::string>> terms_with_prefix(Store& store, const std::string& prefix) {
  std::vector<std::string> terms;
  while (terms.size() <= kMaxTermsPerWord) {
    Result<sql::Statement> s = prepare(store, terms.empty()
        ? "SELECT term FROM case_terms WHERE term >= ?1 AND term <= ?2 ORDER BY term LIMIT 1"
        : "SELECT term FROM case_terms WHERE term > ?1 AND term <= ?2 ORDER BY term LIMIT 1");
    if (!s) return s.errors();
    sql::bind_text(s.value(), 1, terms.empty() ? prefix : terms.back());
    sql::bind_text(s.value(), 2, prefix_end(prefix));
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    terms.push_back(sql::column_text(s.value(), 0));
  }
  return terms;
}

// Whether each of `words` is a prefix of one of the case's search terms, computed from
// the row (columns reference, applicant_name, applicant_number from `column`) exactly as
// insert_submission stored them.
bool row_matches(const std::vector<const std::string*>& words, const sql::Statement& s, int column) {
  if (words.empty()) return true;
  const std::vector<std::string> terms =
      case_search_terms(sql::column_text(s, column), sql::column_text(s, column + 1), sql::column_text(s, column + 2));
  return std::all_of(words.begin(), words.end(), [&](const std::string* w) {
    return std::any_of(terms.begin(), terms.end(), [&](const std::string& t) { return t.compare(0, w->size(), *w) == 0; });
  });
}

// Every word stands for many terms (a letter, a year of birth): walk the cases newest
// first as the unfiltered list does, a batch at a time, and match each case's terms here.
Result<std::vector<int64_t>> scan_seqs(Store& store, const PageQuery& p, const std::vector<const std::string*>& words) {
  constexpr int kBatch = 500;
  std::vector<int64_t> seqs;
  int64_t before = p.before_seq;
  for (;;) {
    Query q;
    q.sql = "SELECT c.seq, c.reference, c.applicant_name, c.applicant_number FROM cases c WHERE 1";
    Result<std::string> conditions = filter_conditions(q, *p.filter, "c.seq", before);
    if (!conditions) return conditions.errors();
    q.sql += conditions.value() + " ORDER BY c.seq DESC LIMIT " + q.param(int64_t{kBatch});
    Result<sql::Statement> s = prepare(store, q.sql);
    if (!s) return s.errors();
    q.bind(s.value());
    int n = 0;
    for (;;) {
      Result<bool> row = sql::step(s.value());
      if (!row) return row.errors();
      if (!row.value()) break;
      ++n;
      before = sql::column_int64(s.value(), 0);
      if (!row_matches(words, s.value(), 1)) continue;
      seqs.push_back(before);
      if (static_cast<int>(seqs.size()) == p.limit) return seqs;
    }
    if (n < kBatch) return seqs;
  }
}

// The seqs of a search page. Each query word stands for the stored terms it is a prefix
// of. The word with the fewest terms drives: one statement per term walks that term's
// cases newest first through case_terms' primary key (term, seq), already filtered, and
// the walks are merged here, stopping as soon as the page is full, so a common name
// costs what a rare one does. The other words must match too: through an EXISTS of point
// lookups (term, seq) when they stand for a few terms, else checked here on the row.
Result<std::vector<int64_t>> search_seqs(Store& store, const PageQuery& p) {
  std::vector<int64_t> seqs;
  std::vector<std::vector<std::string>> expanded;
  for (const std::string& w : p.words) {
    Result<std::vector<std::string>> terms = terms_with_prefix(store, w);
    if (!terms) return terms.errors();
    if (terms.value().empty()) return seqs;  // a word nothing starts with: no case matches
    expanded.push_back(std::move(terms).value());
  }
  size_t driver = 0;
  for (size_t i = 1; i < expanded.size(); ++i) {
    if (expanded[i].size() < expanded[driver].size() ||
        (expanded[i].size() == expanded[driver].size() && p.words[i].size() > p.words[driver].size())) {
      driver = i;
    }
  }
  std::vector<const std::string*> broad;  // words checked on the row
  for (size_t i = 0; i < expanded.size(); ++i) {
    if (expanded[i].size() > kMaxTermsPerWord) broad.push_back(&p.words[i]);
  }
  if (expanded[driver].size() > kMaxTermsPerWord) return scan_seqs(store, p, broad);

  Query q;
  q.sql = "SELECT t.seq, c.reference, c.applicant_name, c.applicant_number FROM case_terms t CROSS JOIN cases c "
          "ON c.seq = t.seq WHERE t.term = " + q.param(expanded[driver][0]);  // ?1: each walk binds its own term
  for (size_t i = 0; i < expanded.size(); ++i) {
    if (i == driver || expanded[i].size() > kMaxTermsPerWord) continue;
    q.sql += " AND EXISTS (SELECT 1 FROM case_terms x WHERE x.seq = t.seq AND x.term IN (";
    for (size_t j = 0; j < kMaxTermsPerWord; ++j) {  // padded, as the forms are
      q.sql += (j ? ", " : "") + q.param(expanded[i][j < expanded[i].size() ? j : 0]);
    }
    q.sql += "))";
  }
  Result<std::string> conditions = filter_conditions(q, *p.filter, "t.seq", p.before_seq);
  if (!conditions) return conditions.errors();
  q.sql += conditions.value() + " ORDER BY t.seq DESC";

  struct Walk {
    sql::Statement s;
    int64_t seq = 0;  // the current row's; 0 when done
  };
  auto advance = [&broad](Walk& w) -> Result<bool> {
    for (;;) {
      Result<bool> row = sql::step(w.s);
      if (!row) return row.errors();
      w.seq = row.value() ? sql::column_int64(w.s, 0) : 0;
      if (w.seq == 0 || row_matches(broad, w.s, 1)) return true;
    }
  };
  std::vector<Walk> walks;
  for (const std::string& term : expanded[driver]) {
    Result<sql::Statement> s = prepare(store, q.sql);
    if (!s) return s.errors();
    q.bind(s.value());
    sql::bind_text(s.value(), 1, term);
    walks.push_back(Walk{std::move(s).value(), 0});
    Result<bool> first = advance(walks.back());
    if (!first) return first.errors();
  }
  while (static_cast<int>(seqs.size()) < p.limit) {
    Walk* newest = nullptr;
    for (Walk& w : walks) {
      if (w.seq != 0 && (newest == nullptr || w.seq > newest->seq)) newest = &w;
    }
    if (newest == nullptr) break;
    // A case with two terms of the word comes from two walks, one right after the other.
    if (seqs.empty() || seqs.back() != newest->seq) seqs.push_back(newest->seq);
    Result<bool> next = advance(*newest);
    if (!next) return next.errors();
  }
  return seqs;
}

// The seqs of one page, newest first. Without a search, one statement over cases alone:
// `form_id IN (…) … ORDER BY seq DESC LIMIT n` reads about n index entries per form.
Result<std::vector<int64_t>> page_seqs(Store& store, const PageQuery& p) {
  if (!p.words.empty()) return search_seqs(store, p);
  Query q;
  q.sql = "SELECT c.seq FROM cases c WHERE 1";
  Result<std::string> conditions = filter_conditions(q, *p.filter, "c.seq", p.before_seq);
  if (!conditions) return conditions.errors();
  q.sql += conditions.value() + " ORDER BY c.seq DESC LIMIT " + q.param(static_cast<int64_t>(p.limit));
  std::vector<int64_t> seqs;
  Result<bool> done = collect_seqs(store, q, &seqs);
  if (!done) return done.errors();
  return seqs;
}

// Runs one page: picks its seqs, then reads those rows (with the assignee's name, and the
// submission for exports) and calls `row` for each, newest first. Returns the rows
// visited. Two steps because joining users (or submissions) into the first statement
// cost SQLite its early stop: it read every case of the forms (300 ms instead of 0.1 ms
// on 1,000,000 cases).
Result<int> run_page(Store& store, const PageQuery& p, const std::function<bool(const sql::Statement&)>& row) {
  Result<std::vector<int64_t>> seqs = page_seqs(store, p);
  if (!seqs) return seqs.errors();
  // Fixed chunks, padded with seq 0 (never a case): one statement text for every page.
  constexpr size_t kChunk = 64;
  std::string sql = std::string("SELECT ") + kCaseColumns + (p.with_canonical ? kAnswersColumns : "") + " FROM cases c" +
                    (p.with_canonical ? kAnswersJoin : "") +
                    " LEFT JOIN users u ON u.id = c.assignee WHERE c.seq IN (";
  for (size_t i = 1; i <= kChunk; ++i) sql += (i > 1 ? ", ?" : "?") + std::to_string(i);
  sql += ") ORDER BY c.seq DESC";
  int n = 0;
  for (size_t from = 0; from < seqs.value().size(); from += kChunk) {
    Result<sql::Statement> s = prepare(store, sql);
    if (!s) return s.errors();
    for (size_t i = 0; i < kChunk; ++i) {
      const size_t at = from + i;
      sql::bind_int64(s.value(), static_cast<int>(i + 1), at < seqs.value().size() ? seqs.value()[at] : 0);
    }
    for (;;) {
      Result<bool> more = sql::step(s.value());
      if (!more) return more.errors();
      if (!more.value()) break;
      ++n;
      if (!row(s.value())) return n;
    }
  }
  return n;
}

Result<std::optional<CaseSummary>> case_where(Store& store, const char* where,
                                              const std::function<void(sql::Statement&)>& bind) {
  // `where` is one of the fixed conditions of this file, never data.
  Result<sql::Statement> s = prepare(
      store, std::string("SELECT ") + kCaseColumns + " FROM cases c LEFT JOIN users u ON u.id = c.assignee WHERE " + where);
  if (!s) return s.errors();
  bind(s.value());
  Result<bool> row = sql::step(s.value());
  if (!row) return row.errors();
  if (!row.value()) return std::optional<CaseSummary>();
  return std::optional<CaseSummary>(read_case(s.value()));
}

Result<std::optional<CaseSummary>> case_by_seq(Store& store, int64_t seq) {
  return case_where(store, "c.seq = ?1", [&](sql::Statement& s) { sql::bind_int64(s, 1, seq); });
}

}  // namespace

Result<CasePage> list_cases(Store& store, const CaseFilter& filter, int64_t before_seq, int limit) {
  CasePage page;
  if (filter.form_ids.empty()) return page;  // sees no forms: sees no cases
  limit = std::clamp(limit, 1, 500);
  PageQuery p{&filter, query_words(filter.search), before_seq, limit + 1, false};
  Result<int> n = run_page(store, p, [&](const sql::Statement& s) {
    page.cases.push_back(read_case(s));
    return true;
  });
  if (!n) return n.errors();
  if (static_cast<int>(page.cases.size()) > limit) {
    page.cases.pop_back();  // the one extra row only says that there is a next page
    page.next_before = page.cases.back().seq;
  }
  return page;
}

Result<std::optional<CaseSummary>> get_case(Store& store, std::string_view reference) {
  // References are written in capitals (form_reference_prefix, receipt.h); a person may
  // type one in lower case, as the search accepts it. The text as given is tried too.
  std::string upper(reference);
  for (char& ch : upper) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  auto bind = [&](sql::Statement& s) {
    sql::bind_text(s, 1, reference);
    sql::bind_text(s, 2, upper);
  };
  Result<std::optional<CaseSummary>> found = case_where(store, "c.reference IN (?1, ?2)", bind);
  if (!found || found.value()) return found;
  // A version's reference ("…-2") names the case it is a version of.
  return case_where(store,
                    "c.seq = (SELECT v.case_seq FROM submissions s JOIN case_versions v ON v.seq = s.seq "
                    "WHERE s.reference IN (?1, ?2) LIMIT 1)",
                    bind);
}

Result<int64_t> for_each_case(Store& store, const CaseFilter& filter,
                              const std::function<bool(const CaseSummary&, const CaseAnswers&)>& visit) {
  if (filter.form_ids.empty()) return int64_t{0};
  // Pages rather than one statement: a single `ORDER BY seq DESC` over several forms
  // would sort every matching row (with its submission) before the first came out.
  constexpr int kPage = 1000;
  PageQuery p{&filter, query_words(filter.search), 0, kPage, true};
  int64_t visited = 0;
  bool stopped = false;
  for (;;) {
    int64_t last = 0;
    Result<int> n = run_page(store, p, [&](const sql::Statement& s) {
      const CaseSummary c = read_case(s);
      last = c.seq;
      ++visited;
      CaseAnswers answers;
      answers.version = static_cast<int>(sql::column_int64(s, kAnswersVersionColumn));
      answers.seq = sql::column_int64(s, kAnswersSeqColumn);
      answers.reference = sql::column_text(s, kAnswersReferenceColumn);
      answers.received_at = sql::column_text(s, kAnswersReceivedColumn);
      const void* bytes = sqlite3_column_blob(s.stmt.get(), kCanonicalColumn);
      const int size = sqlite3_column_bytes(s.stmt.get(), kCanonicalColumn);
      answers.canonical = std::string_view(static_cast<const char*>(bytes), bytes ? static_cast<size_t>(size) : 0);
      stopped = !visit(c, answers);
      return !stopped;
    });
    if (!n) return n.errors();
    if (stopped || n.value() < kPage) return visited;
    p.before_seq = last;
  }
}

Result<std::vector<FeedCase>> cases_after(Store& store, std::string_view form_id, int64_t after_position, int limit) {
  // Two ordered walks merged by position: the cases still at version 1 (through
  // cases_by_form, as before versions existed), and the latest versions of completed
  // cases (few; through case_versions' unique seq: the CROSS JOIN keeps SQLite from
  // walking every case of the form instead). Each stops once the page is full.
  Result<sql::Statement> s = prepare(store, std::string("SELECT ") + kCaseColumns +
      ", p.position FROM ("
      "SELECT o.seq AS case_seq, o.seq AS position FROM cases o WHERE o.form_id = ?1 AND o.seq > ?2 "
      "AND NOT EXISTS (SELECT 1 FROM case_versions x WHERE x.case_seq = o.seq) "
      "UNION ALL "
      "SELECT v.case_seq, v.seq FROM case_versions v CROSS JOIN cases o ON o.seq = v.case_seq WHERE v.seq > ?2 AND o.form_id = ?1 "
      "AND v.version = (SELECT MAX(x.version) FROM case_versions x WHERE x.case_seq = v.case_seq) "
      "ORDER BY 2 LIMIT ?3) p "
      "JOIN cases c ON c.seq = p.case_seq LEFT JOIN users u ON u.id = c.assignee ORDER BY p.position");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  sql::bind_int64(s.value(), 2, after_position);
  sql::bind_int64(s.value(), 3, std::max(limit, 0));
  std::vector<FeedCase> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    out.push_back(FeedCase{read_case(s.value()), sql::column_int64(s.value(), 13)});
  }
}

Result<std::vector<CaseEvent>> case_history(Store& store, int64_t seq) {
  Result<sql::Statement> s = prepare(store,
                                     "SELECT e.id, e.at, COALESCE(e.user_id, 0), COALESCE(u.display_name, ''), e.kind, e.detail "
                                     "FROM case_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.seq = ?1 ORDER BY e.id");
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  std::vector<CaseEvent> out;
  for (;;) {
    Result<bool> row = sql::step(s.value());
    if (!row) return row.errors();
    if (!row.value()) return out;
    const sql::Statement& r = s.value();
    json detail = json::parse(sql::column_text(r, 5), nullptr, false);
    if (detail.is_discarded()) detail = json::object();
    out.push_back(CaseEvent{sql::column_int64(r, 0), sql::column_text(r, 1), sql::column_int64(r, 2),
                            sql::column_text(r, 3), sql::column_text(r, 4), std::move(detail)});
  }
}

// ---------------------------------------------------------------------------------------
// [SECTION] changes
// ---------------------------------------------------------------------------------------

namespace {

// One change to a case: runs `change` on the locked row inside a write transaction, then
// updates updated_at, records the history event and the audit entry, and commits all of
// it together. `change` returns the event's and the audit entry's details, or errors.
struct ChangeDetails {
  std::string kind;  // case_events.kind
  json event;        // case_events.detail
  const char* action;  // audit action
  json audit;        // the audit detail: codes and ids only
};

Result<CaseSummary> change_case(Store& store, int64_t seq, int64_t user_id,
                                const std::function<Result<ChangeDetails>(const CaseSummary&, const std::string& now)>& change) {
  sqlite3* db = store.db.get();
  Result<sql::Transaction> txn = sql::Transaction::begin(db);
  if (!txn) return txn.errors();
  Result<std::optional<CaseSummary>> current = case_by_seq(store, seq);
  if (!current) return current.errors();
  if (!current.value()) return Errors{case_error("case.not_found", "there is no case " + std::to_string(seq))};
  const CaseSummary& before = *current.value();
  const std::string now = case_updated_at_after(before.updated_at, utc_now());
  Result<ChangeDetails> details = change(before, now);
  if (!details) return details.errors();
  Result<sql::Statement> touch = prepare(store, "UPDATE cases SET updated_at = ?2 WHERE seq = ?1");
  if (!touch) return touch.errors();
  sql::bind_int64(touch.value(), 1, seq);
  sql::bind_text(touch.value(), 2, now);
  Result<bool> touched = sql::run(touch.value());
  if (!touched) return touched.errors();
  Result<bool> inserted = add_case_event(store, seq, now, user_id, details.value().kind, details.value().event);
  if (!inserted) return inserted.errors();
  AuditEntry audit;
  audit.at = now;
  audit.actor = "user:" + std::to_string(user_id);
  audit.action = details.value().action;
  audit.target = "case:" + before.reference;
  audit.detail = details.value().audit;
  Result<AuditEntry> audited = append_audit(store, audit, true);
  if (!audited) return audited.errors();
  Result<std::optional<CaseSummary>> after = case_by_seq(store, seq);
  if (!after) return after.errors();
  Result<bool> committed = txn.value().commit();
  if (!committed) return committed.errors();
  return *after.value();
}

Result<bool> run_update(Store& store, const char* sql, int64_t seq, const std::function<void(sql::Statement&)>& bind) {
  Result<sql::Statement> s = prepare(store, sql);
  if (!s) return s.errors();
  sql::bind_int64(s.value(), 1, seq);
  bind(s.value());
  return sql::run(s.value());
}

json user_or_null(int64_t id) { return id > 0 ? json(id) : json(nullptr); }

}  // namespace

Result<CaseSummary> change_case_status(Store& store, int64_t seq, CaseStatus to, int64_t user_id,
                                       const std::string& expected_updated_at) {
  return change_case(store, seq, user_id, [&](const CaseSummary& c, const std::string& now) -> Result<ChangeDetails> {
    if (!expected_updated_at.empty() && expected_updated_at != c.updated_at) {
      return Errors{case_error("case.stale", "case " + c.reference + " was changed by someone else; reload it and try again")};
    }
    if (!case_transition_allowed(c.status, to)) {
      return Errors{case_error("case.bad_transition", std::string("a case cannot go from ") + case_status_name(c.status) +
                                                          " to " + case_status_name(to))};
    }
    Result<bool> updated = run_update(store, "UPDATE cases SET status = ?2 WHERE seq = ?1", seq,
                                      [&](sql::Statement& s) { sql::bind_text(s, 2, case_status_name(to)); });
    if (!updated) return updated.errors();
    const json detail = {{"from", case_status_name(c.status)}, {"to", case_status_name(to)}};
    json audit = detail;
    // A decided or closed case awaits nothing: its completion links stop working (410),
    // as its signature links do, and no reply can reopen it behind the caseworker's back.
    if (to == CaseStatus::decided || to == CaseStatus::closed) {
      Result<std::vector<int64_t>> cancelled = cancel_open_completion_requests(store, seq, now, user_id, case_status_name(to));
      if (!cancelled) return cancelled.errors();
      if (!cancelled.value().empty()) audit["cancelled_requests"] = cancelled.value();
    }
    return ChangeDetails{"status", detail, "case.status", audit};
  });
}

Result<CaseSummary> assign_case(Store& store, int64_t seq, int64_t assignee, int64_t user_id) {
  return change_case(store, seq, user_id, [&](const CaseSummary& c, const std::string&) -> Result<ChangeDetails> {
    if (assignee != 0) {
      Result<sql::Statement> user = prepare(store, "SELECT 1 FROM users WHERE id = ?1 AND disabled = 0");
      if (!user) return user.errors();
      sql::bind_int64(user.value(), 1, assignee);
      Result<bool> found = sql::step(user.value());
      if (!found) return found.errors();
      if (!found.value()) return Errors{case_error("case.bad_assignee", "there is no active user " + std::to_string(assignee))};
    }
    Result<bool> updated = run_update(store, "UPDATE cases SET assignee = ?2 WHERE seq = ?1", seq, [&](sql::Statement& s) {
      if (assignee != 0) sql::bind_int64(s, 2, assignee);
      else sql::bind_null(s, 2);
    });
    if (!updated) return updated.errors();
    const json detail = {{"from", user_or_null(c.assignee)}, {"to", user_or_null(assignee)}};
    return ChangeDetails{"assign", detail, "case.assign", detail};
  });
}

Result<bool> add_case_note(Store& store, int64_t seq, std::string_view text, int64_t user_id) {
  const bool blank = std::all_of(text.begin(), text.end(), [](char c) { return kSpaces.find(c) != std::string_view::npos; });
  if (blank || code_point_count(text) > 10000) {
    return Errors{case_error("case.bad_note", "a note must have between 1 and 10,000 characters")};
  }
  if (!valid_utf8(text)) return Errors{case_error("case.bad_note", "a note must be valid UTF-8 text")};
  Result<CaseSummary> changed = change_case(store, seq, user_id, [&](const CaseSummary&, const std::string&) -> Result<ChangeDetails> {
    // The note's text stays in the case history; the audit log only says there was one.
    return ChangeDetails{"note", json{{"text", std::string(text)}}, "case.note", json::object()};
  });
  if (!changed) return changed.errors();
  return true;
}

// ---------------------------------------------------------------------------------------
// [SECTION] statistics
// ---------------------------------------------------------------------------------------

Result<FormStats> form_stats(Store& store, std::string_view form_id, int weeks, const std::string& today) {
  const std::optional<int64_t> today_days = parse_day(today);
  if (!today_days) return Errors{case_error("case.bad_date", "today must be YYYY-MM-DD, not '" + today + "'")};
  weeks = std::clamp(weeks, 1, 520);
  FormStats stats;
  stats.form_id = std::string(form_id);
  const int64_t first_day = monday_of(*today_days) - 7 * static_cast<int64_t>(weeks - 1);
  const int64_t end_day = *today_days + 1;  // exclusive
  for (int i = 0; i < weeks; ++i) stats.weeks.push_back(WeekCount{iso_week(first_day + 7 * i), 0, 0});
  auto week_index = [&](const std::string& day) -> int {
    const std::optional<int64_t> d = parse_day(day);
    if (!d || *d < first_day || *d >= end_day) return -1;
    return static_cast<int>((*d - first_day) / 7);
  };
  const std::string from = format_day(first_day), to = format_day(end_day);

  // Days are UTC days (received_at is UTC); counted per day by the index, summed per week here.
  Result<sql::Statement> received = prepare(store,
      "SELECT substr(received_at, 1, 10) AS day, COUNT(*) FROM cases "
      "WHERE form_id = ?1 AND received_at >= ?2 AND received_at < ?3 GROUP BY day");
  if (!received) return received.errors();
  sql::bind_text(received.value(), 1, form_id);
  sql::bind_text(received.value(), 2, from);
  sql::bind_text(received.value(), 3, to);
  for (;;) {
    Result<bool> row = sql::step(received.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    const int w = week_index(sql::column_text(received.value(), 0));
    if (w >= 0) stats.weeks[w].submissions += sql::column_int64(received.value(), 1);
  }

  Result<sql::Statement> rejected =
      prepare(store, "SELECT day, count FROM rejections WHERE form_id = ?1 AND day >= ?2 AND day < ?3");
  if (!rejected) return rejected.errors();
  sql::bind_text(rejected.value(), 1, form_id);
  sql::bind_text(rejected.value(), 2, from);
  sql::bind_text(rejected.value(), 3, to);
  for (;;) {
    Result<bool> row = sql::step(rejected.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    const int w = week_index(sql::column_text(rejected.value(), 0));
    if (w >= 0) stats.weeks[w].rejections += sql::column_int64(rejected.value(), 1);
  }
  for (const WeekCount& w : stats.weeks) {
    stats.submissions += w.submissions;
    stats.rejections += w.rejections;
  }
  if (stats.submissions + stats.rejections > 0) {
    stats.rejected_share = static_cast<double>(stats.rejections) / static_cast<double>(stats.submissions + stats.rejections);
  }

  // The client's draft_started_at may come in any RFC 3339 shape: julianday() reads them
  // all, where comparing the text would not.
  Result<sql::Statement> fill = prepare(store,
      "SELECT (julianday(received_at) - julianday(draft_started_at)) * 86400.0 AS seconds FROM cases "
      "WHERE form_id = ?1 AND received_at >= ?2 AND received_at < ?3 AND draft_started_at IS NOT NULL "
      "AND julianday(draft_started_at) <= julianday(received_at) ORDER BY seconds");
  if (!fill) return fill.errors();
  sql::bind_text(fill.value(), 1, form_id);
  sql::bind_text(fill.value(), 2, from);
  sql::bind_text(fill.value(), 3, to);
  std::vector<double> seconds;
  for (;;) {
    Result<bool> row = sql::step(fill.value());
    if (!row) return row.errors();
    if (!row.value()) break;
    seconds.push_back(sqlite3_column_double(fill.value().stmt.get(), 0));
  }
  if (!seconds.empty()) {
    const size_t mid = seconds.size() / 2;
    stats.median_fill_seconds = seconds.size() % 2 ? seconds[mid] : (seconds[mid - 1] + seconds[mid]) / 2;
  }
  return stats;
}

Result<bool> count_rejection(Store& store, std::string_view form_id, const std::string& day) {
  if (!parse_day(day)) return Errors{case_error("case.bad_date", "a day must be YYYY-MM-DD, not '" + day + "'")};
  Result<sql::Statement> s = prepare(store,
      "INSERT INTO rejections (form_id, day, count) VALUES (?1, ?2, 1) "
      "ON CONFLICT (form_id, day) DO UPDATE SET count = count + 1");
  if (!s) return s.errors();
  sql::bind_text(s.value(), 1, form_id);
  sql::bind_text(s.value(), 2, day);
  return sql::run(s.value());
}

}  // namespace blankett
