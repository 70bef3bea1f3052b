// The view model (blankett/view.h): derived state rendered as JSON for one language.
#include "blankett/view.h"
#include <algorithm>

#include "answer_format.h"
#include "field_validation.h"
#include "messages.h"
#include "state_data.h"

namespace blankett {
namespace {

using nlohmann::json;

Lang pick_lang(const StateData& st, std::string_view code) {
  Lang l;
  if (parse_lang(std::string(code), &l) &&
      std::find(st.form->languages.begin(), st.form->languages.end(), l) != st.form->languages.end()) {
    return l;
  }
  return st.form->default_lang();
}

std::string text(const StateData& st, const LocalizedText& t, Lang l) {
  return t.present ? text_in(t, l, st.form->default_lang()) : "";
}

json field_json(const FormState& state, int f, int row, Lang l) {
  const StateData& st = state.data();
  const Field& fd = st.field(f);
  const Cell& c = st.cell(f, row);
  json v = {
      {"id", fd.id},
      {"path", state.field_path(f, row)},
      {"type", field_type_name(fd.type)},
      {"visible", c.visible},
  };
  if (fd.type == FieldType::kInfo) {
    v["text"] = text(st, fd.info_text, l);
    if (fd.label.present) v["label"] = text(st, fd.label, l);
    return v;
  }
  v["label"] = text(st, fd.label, l);
  if (fd.hint.present) v["hint"] = text(st, fd.hint, l);
  v["required"] = c.required;
  v["readonly"] = fd.readonly || fd.calculate >= 0;
  v["calculated"] = fd.calculate >= 0;
  v["answer"] = c.answer;
  v["value"] = value_to_json(fd, c.value, c.answer);
  if (c.visible && c.problem != Problem::kNone) {
    v["error"] = {{"code", std::string("answer.") + problem_code(c.problem)}, {"message", problem_message(st, f, row, l)}};
  } else {
    v["error"] = nullptr;
  }
  if (!fd.options.empty()) {
    json options = json::array();
    for (const Option& o : fd.options) options.push_back({{"value", o.value}, {"label", text(st, o.label, l)}});
    v["options"] = std::move(options);
    if (fd.searchable) v["search"] = true;
  }
  if (fd.min) v["min"] = *fd.min;
  if (fd.max) v["max"] = *fd.max;
  if (fd.min_date) v["min"] = format_iso_date(*fd.min_date);
  if (fd.max_date) v["max"] = format_iso_date(*fd.max_date);
  if (fd.type == FieldType::kDecimal) v["decimals"] = fd.decimals;
  if (fd.max_length >= 0) v["max_length"] = fd.max_length;
  if (fd.min_items >= 0) v["min_items"] = fd.min_items;
  if (fd.max_items >= 0) v["max_items"] = fd.max_items;
  if (fd.type == FieldType::kAttachment) {
    v["accept"] = fd.accept;
    v["max_files"] = fd.max_files;
    if (fd.max_size >= 0) v["max_size"] = fd.max_size;
  }
  if (fd.type == FieldType::kGroup) {
    if (fd.item_label.present) v["item_label"] = text(st, fd.item_label, l);
    json rows = json::array();
    const int n = state.row_count(f);
    for (int r = 0; r < n; ++r) {
      json cells = json::array();
      for (int child : fd.children) cells.push_back(field_json(state, child, r, l));
      rows.push_back(std::move(cells));
    }
    v["rows"] = std::move(rows);
    v["can_add_row"] = fd.max_items < 0 || n < fd.max_items;
    // Below min_items the group would only be refused on Continue: no way to get there.
    v["can_remove_row"] = n > std::max(fd.min_items, 0);
  }
  return v;
}

}  // namespace

json view_field(const FormState& state, int field, int row, std::string_view lang) {
  if (!state.has_instance(field, row)) return nullptr;
  return field_json(state, field, row, pick_lang(state.data(), lang));
}

json view_step(const FormState& state, std::string_view lang) {
  const StateData& st = state.data();
  const Lang l = pick_lang(st, lang);
  const CompiledForm& form = *st.form;
  json steps = json::array();
  for (int s = 0; s < state.step_count(); ++s) {
    const Step& sd = form.steps[static_cast<size_t>(s)];
    steps.push_back({{"id", sd.id}, {"title", text(st, sd.title, l)}, {"visible", state.step_visible(s)}, {"current", s == state.current_step()}});
  }
  const int current = state.current_step();
  const Step& step = form.steps[static_cast<size_t>(current)];
  json fields = json::array();
  for (int f : step.fields) fields.push_back(field_json(state, f, -1, l));
  const auto visible = state.visible_steps();
  const Progress p = state.progress();
  json languages = json::array();
  for (Lang x : form.languages) languages.push_back(lang_code(x));
  return {
      {"form", {{"id", form.id}, {"version", form.version}, {"title", text(st, form.title, l)}}},
      {"language", lang_code(l)},
      {"languages", languages},
      {"steps", steps},
      {"step", {{"id", step.id}, {"index", current}, {"title", text(st, step.title, l)}, {"description", text(st, step.description, l)}}},
      {"progress", {{"position", p.position}, {"count", p.count}}},
      {"first", visible.empty() || visible.front() == current},
      {"last", visible.empty() || visible.back() == current},
      {"step_valid", state.step_valid(current)},
      {"valid", state.valid()},
      {"fields", fields},
  };
}

std::string display_value(const FormState& state, int f, int row, std::string_view lang) {
  if (!state.has_instance(f, row)) return "";
  const StateData& st = state.data();
  const Lang l = pick_lang(st, lang);
  const Field& fd = st.field(f);
  const Cell& c = st.cell(f, row);
  const Value& v = c.value;
  if (v.empty()) return "";
  switch (fd.type) {
    case FieldType::kYesNo:
      return v.b ? (l == Lang::kEn ? "Yes" : l == Lang::kSv ? "Ja" : "Ja") : (l == Lang::kEn ? "No" : l == Lang::kSv ? "Nej" : "Nei");
    case FieldType::kChoice:
    case FieldType::kMultiChoice: {
      std::string out;
      const std::vector<std::string> chosen = fd.type == FieldType::kChoice ? std::vector<std::string>{v.s} : v.list;
      for (const std::string& value : chosen) {
        for (const Option& o : fd.options) {
          if (o.value == value) out += (out.empty() ? "" : ", ") + text(st, o.label, l);
        }
      }
      return out;
    }
    case FieldType::kInteger:
    case FieldType::kDecimal:
      return format_number(fd.type == FieldType::kDecimal ? round_decimals(v.n, fd.decimals) : v.n, l);
    case FieldType::kAttachment: {
      std::string out;
      for (const std::string& name : v.list) out += (out.empty() ? "" : ", ") + name;
      return out;
    }
    case FieldType::kDate:
      return format_iso_date(v.d);
    case FieldType::kGroup:
      return std::to_string(state.row_count(f));
    default:
      return v.s;
  }
}

json view_summary(const FormState& state, std::string_view lang) {
  const StateData& st = state.data();
  const Lang l = pick_lang(st, lang);
  json steps = json::array();
  for (int s : state.visible_steps()) {
    const Step& sd = st.form->steps[static_cast<size_t>(s)];
    json fields = json::array();
    // readonly: the citizen cannot change the answer (calculated, or fixed by the form),
    // so a summary offers no way to change it.
    auto entry = [&](int f, int row) -> json {
      const Field& fd = st.field(f);
      return {{"path", state.field_path(f, row)}, {"label", text(st, fd.label, l)},
              {"value", display_value(state, f, row, lang)}, {"readonly", fd.readonly || fd.calculate >= 0}};
    };
    auto add = [&](int f, int row) {
      if (st.field(f).type == FieldType::kInfo || !st.cell(f, row).visible) return;
      fields.push_back(entry(f, row));
    };
    for (int f : sd.fields) {
      const Field& fd = st.field(f);
      if (fd.type != FieldType::kGroup) {
        add(f, -1);
        continue;
      }
      if (!st.cell(f, -1).visible) continue;
      json rows = json::array();
      for (int r = 0; r < state.row_count(f); ++r) {
        json row = json::array();
        for (int child : fd.children) {
          if (st.field(child).type == FieldType::kInfo || !st.cell(child, r).visible) continue;
          row.push_back(entry(child, r));
        }
        rows.push_back(std::move(row));
      }
      fields.push_back({{"path", fd.id}, {"label", text(st, fd.label, l)}, {"item_label", text(st, fd.item_label, l)}, {"rows", rows}});
    }
    steps.push_back({{"id", sd.id}, {"title", text(st, sd.title, l)}, {"fields", fields}});
  }
  return {{"form", {{"id", st.form->id}, {"title", text(st, st.form->title, l)}}}, {"language", lang_code(l)}, {"steps", steps}};
}

}  // namespace blankett
