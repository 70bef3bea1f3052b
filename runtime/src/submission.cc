// Canonical submission (blankett/submission.h) and drafts (blankett/draft.h): the two
// ways a state leaves the engine as data.
#include "blankett/submission.h"

#include <algorithm>
#include <vector>

#include "answer_format.h"
#include "blankett/draft.h"
#include "json_text.h"
#include "sha256.h"
#include "state_data.h"

namespace blankett {

using nlohmann::json;

std::string sha256_of(std::string_view bytes) { return sha256_hex(bytes); }

namespace {

// Canonical JSON is nlohmann's dump (sorted keys, no spaces, UTF-8, shortest numbers);
// the submission's objects are written here directly in that form, each value through
// nlohmann's serializer, so that no document has to be built, sorted and torn down per
// submission. One serializer writes a whole text: json::dump() makes a new one (which
// reads the locale) and a new string for every value, and on the server that was half of
// making the canonical submission. The serializer is nlohmann's own (its detail
// namespace, as json::dump uses it), so the bytes are exactly dump()'s.
class CanonicalText {
 public:
  explicit CanonicalText(std::string* out)
      : out_(out), serializer_(nlohmann::detail::output_adapter<char, std::string>(*out), ' ', json::error_handler_t::strict) {}
  void value(const json& v) { serializer_.dump(v, false, false, 0); }
  // Most strings (every field id, most answers) need no escape: they are copied as they are.
  void string(const std::string& s) {
    if (!dumps_verbatim(s)) return value(json(s));
    out_->push_back('"');
    out_->append(s);
    out_->push_back('"');
  }
  std::string& text() { return *out_; }

 private:
  std::string* out_;
  nlohmann::detail::serializer<json> serializer_;
};

struct Member {
  const Field* field;
  const Cell* cell;      // its answer is the value, unless
  std::string rendered;  // already canonical JSON text (a group's rows)
};

void append_answer(CanonicalText* out, const Field& f, const Cell& c) {
  if (c.value.kind == Value::Kind::kText) return out->string(c.value.s);
  out->value(value_to_json(f, c.value, c.answer));
}

void append_object(CanonicalText* out, std::vector<Member>* members) {
  std::sort(members->begin(), members->end(), [](const Member& a, const Member& b) { return a.field->id < b.field->id; });
  out->text().push_back('{');
  for (size_t i = 0; i < members->size(); ++i) {
    const Member& m = (*members)[i];
    if (i > 0) out->text().push_back(',');
    out->string(m.field->id);
    out->text().push_back(':');
    if (m.rendered.empty()) {
      append_answer(out, *m.field, *m.cell);
    } else {
      out->text().append(m.rendered);
    }
  }
  out->text().push_back('}');
}

}  // namespace

CanonicalSubmission canonical_submission(const FormState& state) {
  const StateData& st = state.data();
  const CompiledForm& form = *st.form;
  auto put = [&](std::vector<Member>* members, int f, int row) {
    const Field& fd = st.field(f);
    const Cell& c = st.cell(f, row);
    if (fd.type == FieldType::kInfo || !c.visible || c.value.empty()) return;
    members->push_back(Member{&fd, &c, std::string()});
  };
  std::vector<Member> answers;
  for (const Step& step : form.steps) {
    for (int f : step.fields) {
      const Field& fd = st.field(f);
      if (fd.type != FieldType::kGroup) {
        put(&answers, f, -1);
        continue;
      }
      if (!st.cell(f, -1).visible || state.row_count(f) == 0) continue;
      std::string rows = "[";
      CanonicalText rows_text(&rows);
      std::vector<Member> row;
      for (int r = 0; r < state.row_count(f); ++r) {
        row.clear();
        for (int child : fd.children) put(&row, child, r);
        if (r > 0) rows.push_back(',');
        append_object(&rows_text, &row);
      }
      rows.push_back(']');
      answers.push_back(Member{&fd, nullptr, std::move(rows)});
    }
  }
  CanonicalSubmission out;
  CanonicalText text(&out.bytes);
  // Keys in sorted order: answers, form, format, version.
  out.bytes = "{\"answers\":";
  append_object(&text, &answers);
  out.bytes += ",\"form\":";
  text.value(form.id);
  out.bytes += ",\"format\":\"blankett-submission/1\",\"version\":";
  text.value(form.version);
  out.bytes += "}";
  out.sha256 = sha256_hex(out.bytes);
  return out;
}

json submission_document(const CanonicalSubmission& submission) {
  json document;
  JsonParseFailure failure;
  if (!parse_json_nlohmann(submission.bytes, &document, &failure)) failure.rethrow();
  return document;
}

json make_draft(const FormState& state) {
  const StateData& st = state.data();
  return {{"format", "blankett-draft/1"},
          {"form", st.form->id},
          {"version", st.form->version},
          {"step", st.form->steps[static_cast<size_t>(state.current_step())].id},
          {"answers", state.answers()}};
}

Result<RestoredDraft> restore_draft(FormPtr form, const json& draft, std::string_view today) {
  Result<FormState> created = FormState::create(form, today);
  if (!created.ok()) return created.errors();
  FormState state = std::move(created).value();
  // Comparing (not value<std::string>()): a damaged draft's "format" may be any JSON.
  if (!draft.is_object() || !draft.contains("format") || draft["format"] != "blankett-draft/1") {
    return Errors{Error{"draft.not_a_draft", "/format", 0, 0, "this is not a Blankett draft (format \"blankett-draft/1\")"}};
  }
  if (!draft.contains("form") || draft["form"] != form->id) {
    return Errors{Error{"draft.other_form", "/form", 0, 0, "this draft belongs to another form"}};
  }
  const json answers = draft.contains("answers") && draft["answers"].is_object() ? draft["answers"] : json::object();
  const bool same_version = draft.contains("version") && draft["version"] == form->version;

  // Keep what fits; drop (and report) the rest. With the same version everything the
  // citizen typed is kept, even unfinished answers: they are theirs to correct.
  Errors dropped;
  json kept = json::object();
  auto drop = [&](const std::string& pointer, const std::string& why) {
    dropped.push_back(Error{"draft.dropped_answer", pointer, 0, 0, why});
  };
  auto fits = [&](const Field& fd, const json& value) {
    if (fd.calculate >= 0 || fd.readonly || fd.type == FieldType::kInfo) return false;
    if (same_version) return true;
    Value v;
    return read_answer(fd, value, Date{}, &v) == Problem::kNone || fd.type == FieldType::kPersonnummer;
  };
  for (const auto& [key, value] : answers.items()) {
    const auto it = form->field_by_id.find(key);
    if (it == form->field_by_id.end() || form->fields[static_cast<size_t>(it->second)].group >= 0) {
      drop("/" + pointer_token(key), "the form no longer has the field '" + key + "'");
      continue;
    }
    const Field& fd = form->fields[static_cast<size_t>(it->second)];
    if (fd.type == FieldType::kGroup) {
      if (!value.is_array()) { drop("/" + pointer_token(key), "not a list of rows"); continue; }
      json rows = json::array();
      for (size_t r = 0; r < value.size(); ++r) {
        if (fd.max_items >= 0 && static_cast<int>(r) >= fd.max_items) {
          drop("/" + pointer_token(key) + "/" + std::to_string(r), "the group now has at most " + std::to_string(fd.max_items) + " rows");
          continue;
        }
        json row = json::object();
        if (value[r].is_object()) {
          for (const auto& [ckey, cvalue] : value[r].items()) {
            const auto cit = form->field_by_id.find(ckey);
            const std::string ptr = "/" + pointer_token(key) + "/" + std::to_string(r) + "/" + pointer_token(ckey);
            if (cit == form->field_by_id.end() || form->fields[static_cast<size_t>(cit->second)].group != it->second) {
              drop(ptr, "the group no longer has the field '" + ckey + "'");
            } else if (!fits(form->fields[static_cast<size_t>(cit->second)], cvalue)) {
              drop(ptr, "the answer no longer fits the field");
            } else {
              row[ckey] = cvalue;
            }
          }
        }
        rows.push_back(std::move(row));
      }
      kept[key] = std::move(rows);
      continue;
    }
    if (!fits(fd, value)) {
      drop("/" + pointer_token(key), "the answer no longer fits the field");
      continue;
    }
    kept[key] = value;
  }
  Result<bool> applied = state.set_answers(kept);
  if (!applied.ok()) {
    // Cannot happen after the filtering above, but never lose the whole draft over it.
    for (const Error& e : applied.errors()) dropped.push_back(Error{"draft.dropped_answer", e.pointer, 0, 0, e.message});
  }
  if (draft.contains("step") && draft["step"].is_string()) {
    int step = state.find_step(draft["step"].get<std::string>());
    // A step that is now hidden: go back to the nearest visible one before it.
    while (step > 0 && !state.step_visible(step)) --step;
    if (step >= 0) state.go_to(step);
  }
  return RestoredDraft{std::move(state), std::move(dropped)};
}

}  // namespace blankett
