// Cases: the caseworkers' handling of submissions. A case is created with its
// submission (same transaction, insert_submission) and has a status, an assignee, notes
// and a history; the submission itself never changes. Lists use keyset pagination on seq
// (newest first) so that page 1000 costs what page 1 costs. Docs: docs/inbox.md.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "store.h"

namespace blankett {

// awaiting_signatures → new → in_progress → awaiting_completion → decided → closed (and
// back from awaiting_completion to in_progress; decided may be reopened to in_progress).
// A case waits for signatures when its form requires further signers
// (signature_store.h); only the last signature moves it to new, or a caseworker closes
// it.
enum class CaseStatus { awaiting_signatures, new_case, in_progress, awaiting_completion, decided, closed };
inline constexpr CaseStatus kAllCaseStatuses[] = {CaseStatus::awaiting_signatures, CaseStatus::new_case,
                                                  CaseStatus::in_progress,         CaseStatus::awaiting_completion,
                                                  CaseStatus::decided,             CaseStatus::closed};
const char* case_status_name(CaseStatus s);  // "new", "in_progress", ...
std::optional<CaseStatus> parse_case_status(std::string_view name);
// Whether a caseworker may move a case from `from` to `to`.
bool case_transition_allowed(CaseStatus from, CaseStatus to);

struct CaseSummary {
  int64_t seq = 0;
  std::string reference;
  std::string form_id;
  std::string received_at;
  CaseStatus status = CaseStatus::new_case;
  int64_t assignee = 0;           // user id, 0: nobody
  std::string assignee_name;      // display name, "" for nobody
  std::string applicant_name;
  std::string applicant_number;   // "YYYYMMDD-NNNN" or ""
  std::string updated_at;
  std::string applicant_email;    // where completion requests go, "" if the form names none
  std::string signing_deadline;   // "YYYY-MM-DD" or "": signatures due by the end of that day (UTC)
  std::string flag;               // "" or "signature_deadline_passed"
};

struct CaseFilter {
  std::vector<std::string> form_ids;   // required: the forms the caller may see (never empty)
  std::optional<CaseStatus> status;
  std::string received_from;           // "YYYY-MM-DD" inclusive, "" none
  std::string received_to;             // "YYYY-MM-DD" inclusive, "" none
  int64_t assignee = 0;                // 0: anyone; else only this user's cases
  std::string search;                  // reference, applicant name words or personal number; "" none
};

struct CasePage {
  std::vector<CaseSummary> cases;  // newest first
  int64_t next_before = 0;         // pass as `before_seq` for the next page; 0: no more
};

// One page of cases matching the filter, with seq < before_seq (0: from the newest).
Result<CasePage> list_cases(Store& store, const CaseFilter& filter, int64_t before_seq, int limit);

// The case a reference names, as a person may type it: the case's own reference
// ("SKOL-2026-000123") or the reference of one of its versions ("SKOL-2026-000123-2",
// completion_store.h), in capitals or not (references are written in capitals). nullopt
// when it names no case.
Result<std::optional<CaseSummary>> get_case(Store& store, std::string_view reference);

struct CaseEvent {
  int64_t id = 0;
  std::string at;
  int64_t user_id = 0;
  std::string user_name;          // display name at read time
  std::string kind;               // "status", "assign", "note"
  nlohmann::json detail;          // status: {"from","to"}; assign: {"from","to"} user ids; note: {"text"}
};
Result<std::vector<CaseEvent>> case_history(Store& store, int64_t seq);  // oldest first

// Each change is one transaction: the case row, its history event and an audit entry
// (audit_log.h) by `actor` ("user:<id>"). Errors: "case.not_found",
// "case.bad_transition" (409), "case.stale" (the case changed since `expected_updated_at`;
// pass "" to skip that check), "case.bad_note" (empty, over 10,000 characters or not
// valid UTF-8). Deciding or closing a case also cancels its open completion requests
// (cancel_open_completion_requests, completion_store.h): nothing is awaited any more.
Result<CaseSummary> change_case_status(Store& store, int64_t seq, CaseStatus to, int64_t user_id,
                                       const std::string& expected_updated_at);
Result<CaseSummary> assign_case(Store& store, int64_t seq, int64_t assignee /* 0: nobody */, int64_t user_id);
Result<bool> add_case_note(Store& store, int64_t seq, std::string_view text, int64_t user_id);

// The answers a case holds now: those of its latest version. Version 1 is the case's
// own submission; each completion reply adds the next (completion_store.h), which is a
// submission of its own further along the receipt chain.
struct CaseAnswers {
  int version = 1;
  int64_t seq = 0;              // the version's submission: its position in the receipt chain
  std::string reference;        // its receipt's reference: the case's, or "SKOL-2026-000123-2"
  std::string received_at;      // when that version arrived
  std::string_view canonical;   // its canonical submission bytes; valid during the visit only
};

// Streams every case matching the filter (all pages, newest first) to `visit` together
// with its current answers (the latest version's canonical bytes), one row at a time in
// constant memory; stops when visit returns false. Returns the number of rows visited.
// For CSV and JSON-lines export.
Result<int64_t> for_each_case(Store& store, const CaseFilter& filter,
                              const std::function<bool(const CaseSummary&, const CaseAnswers&)>& visit);

// A case as the integration API's feed hands it out: at the position in the receipt
// chain of its current answers (its latest version's seq; the case's own seq until a
// completion reply adds a version). A new version moves the case further along.
struct FeedCase {
  CaseSummary summary;
  int64_t position = 0;
};

// The cases of one form whose current answers arrived after chain position
// `after_position`, oldest position first, at most `limit`: the integration API's cursor
// (a business system remembers the last position it took). A case comes once when it
// arrives and once more for each later version.
Result<std::vector<FeedCase>> cases_after(Store& store, std::string_view form_id, int64_t after_position, int limit);

// --- usage statistics ------------------------------------------------------------------

struct WeekCount {
  std::string week;      // ISO week "2026-W33"
  int64_t submissions = 0;
  int64_t rejections = 0;
};
struct FormStats {
  std::string form_id;
  std::vector<WeekCount> weeks;          // oldest first, last `weeks` weeks up to today
  int64_t submissions = 0, rejections = 0;  // in those weeks
  double rejected_share = 0;             // rejections / (submissions + rejections)
  std::optional<double> median_fill_seconds;  // draft_started_at → received_at, where known
};
Result<FormStats> form_stats(Store& store, std::string_view form_id, int weeks, const std::string& today);

// A 422 for a form (counted per UTC day) for the statistics' rejected share.
Result<bool> count_rejection(Store& store, std::string_view form_id, const std::string& day);

// The search words of a case, as stored in case_terms (lower-cased name words, the
// personal number's 12 and 10 digit forms, the lower-cased reference). Used by
// insert_submission and by the search (which normalises the query the same way).
// A case's next updated_at: `now`, but always later than `before` (a millisecond after
// it when the clock has not moved on), so that the stale check of the case pages (the
// caller's updated_at against the row's) sees two changes within one millisecond as two.
std::string case_updated_at_after(const std::string& before, const std::string& now);

// One event in a case's history, in the caller's transaction (user_id 0: the e-service
// itself, e.g. an applicant's reply or the dispatcher). Error "case.bad_text" when the
// detail holds text that is not valid UTF-8 (nothing is stored).
Result<bool> add_case_event(Store& store, int64_t seq, const std::string& at, int64_t user_id, const std::string& kind,
                            const nlohmann::json& detail);

std::vector<std::string> case_search_terms(std::string_view reference, std::string_view applicant_name,
                                           std::string_view applicant_number);

}  // namespace blankett
