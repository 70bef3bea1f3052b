// Dear ImGui drawing of the developer preview (preview_ui.h). Immediate mode: every frame
// is drawn from the model; a widget that reports a change calls one of the model's
// actions, and the next frame shows the engine's new state. The citizen's view renders
// the engine's view model (view_step), so the preview decides nothing the engine decides.
//
// Index of this file:
// [SECTION] Helpers
// [SECTION] Toolbar and load problems
// [SECTION] The citizen's view: one field per type, repeat groups, navigation
// [SECTION] Inspector: fields table, selected field, rules
// [SECTION] Problems, warnings and scenarios
// [SECTION] The frame
#include "preview_ui.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "blankett/inspect.h"
#include "blankett/submission.h"
#include "blankett/view.h"

namespace blankett::preview {
namespace {

using nlohmann::json;

//-----------------------------------------------------------------------------
// [SECTION] Helpers
//-----------------------------------------------------------------------------

const ImVec4 kRed(0.95f, 0.35f, 0.35f, 1.0f);
const ImVec4 kGreen(0.40f, 0.85f, 0.45f, 1.0f);
const ImVec4 kOrange(0.98f, 0.70f, 0.30f, 1.0f);
const ImVec4 kGrey(0.60f, 0.60f, 0.60f, 1.0f);

// Remembers the last item's rectangle under `key` (tests click there).
void record(PreviewModel& m, const std::string& key) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  m.ui.rects[key] = Rect{a.x, a.y, b.x, b.y};
}

void text(const std::string& s) { ImGui::TextUnformatted(s.c_str()); }

void text_colored(const ImVec4& color, const std::string& s) {
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(s.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

// One line in a colour, not wrapped (table cells: long texts are clipped by the cell).
void text_line(const ImVec4& color, const std::string& s) {
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextUnformatted(s.c_str());
  ImGui::PopStyleColor();
}

void wrapped(const std::string& s) {
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(s.c_str());
  ImGui::PopTextWrapPos();
}

// A JSON value as the developer reads it: strings without quotes, null as "—".
std::string show(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// The answer as it goes into a text box: strings as typed, numbers as written.
std::string as_text(const json& answer) {
  if (answer.is_null()) return "";
  if (answer.is_string()) return answer.get<std::string>();
  return answer.dump();
}

// "children/1/child_name" → (field, row); "pupil_name" → (field, -1).
void resolve(const FormState& st, const std::string& path, int* field, int* row) {
  const size_t a = path.find('/');
  if (a == std::string::npos) {
    *field = st.find_field(path);
    *row = -1;
    return;
  }
  const size_t b = path.rfind('/');
  *field = st.find_field(path.substr(b + 1));
  *row = std::atoi(path.substr(a + 1, b - a - 1).c_str());
}

const char* yes_text(const std::string& lang) { return lang == "en" ? "Yes" : "Ja"; }
const char* no_text(const std::string& lang) { return lang == "en" ? "No" : lang == "nb" ? "Nei" : "Nej"; }

// A clickable field name that selects (field, row) in the inspector.
void field_link(PreviewModel& m, const std::string& path, const char* id_suffix = "") {
  FormState* st = m.state();
  int f = -1, row = -1;
  if (st) resolve(*st, path, &f, &row);
  const bool selected = f >= 0 && f == m.selected_field() && row == m.selected_row();
  const std::string label = path + "##link" + id_suffix;
  if (ImGui::Selectable(label.c_str(), selected, 0, ImGui::CalcTextSize(path.c_str()))) m.select(f, row);
}

//-----------------------------------------------------------------------------
// [SECTION] Toolbar and load problems
//-----------------------------------------------------------------------------

void draw_toolbar(PreviewModel& m, const json& view) {
  text(m.form_path());
  ImGui::SameLine();
  if (m.broken()) {
    text_colored(kRed, m.form() ? "  does not load: showing the last form that loaded (greyed)" : "  does not load");
  } else {
    text_colored(kGreen, "  loaded");
  }
  int passed = 0;
  for (const ScenarioRun& s : m.scenarios()) passed += s.passed ? 1 : 0;
  const int total = static_cast<int>(m.scenarios().size());
  ImGui::SameLine();
  if (m.broken()) {
    text_colored(kGrey, "  scenarios not run");
  } else {
    text_colored(passed == total ? kGreen : kRed,
                 "  scenarios " + std::to_string(passed) + "/" + std::to_string(total) + " pass");
  }

  if (!m.warnings().empty()) {
    ImGui::SameLine();
    text_colored(kOrange, "  " + std::to_string(m.warnings().size()) + " usability warning(s)");
  }

  FormState* st = m.state();
  ImGui::BeginDisabled(st == nullptr);
  ImGui::SetNextItemWidth(80);
  if (ImGui::BeginCombo("Language", m.language().c_str())) {
    if (view.is_object()) {
      for (const json& l : view["languages"]) {
        const std::string code = l.get<std::string>();
        if (ImGui::Selectable(code.c_str(), code == m.language())) m.set_language(code);
      }
    }
    ImGui::EndCombo();
  }
  record(m, "#language");
  ImGui::SameLine();
  ImGui::Checkbox("Show hidden fields", &m.ui.show_hidden);
  ImGui::SameLine();
  ImGui::Checkbox("Show all errors", &m.ui.show_all_errors);
  ImGui::SameLine();
  if (ImGui::Button("Start over")) m.start_over();
  ImGui::SameLine();
  if (ImGui::Button("Save answers as scenario")) m.save_scenario();
  record(m, "#save_scenario");
  ImGui::SameLine();
  if (ImGui::Button("Save draft")) m.save_draft();
  record(m, "#save_draft");
  ImGui::EndDisabled();
  if (!m.status().empty()) text_colored(kGrey, m.status());
}

void draw_error_table(const char* id, const Errors& errors, const ImVec4& color) {
  if (!ImGui::BeginTable(id, 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
  ImGui::TableSetupColumn("line:col", ImGuiTableColumnFlags_WidthFixed, 70);
  ImGui::TableSetupColumn("pointer", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("code", ImGuiTableColumnFlags_WidthStretch, 0.8f);
  ImGui::TableSetupColumn("message", ImGuiTableColumnFlags_WidthStretch, 2.2f);
  ImGui::TableHeadersRow();
  for (const Error& e : errors) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    text(std::to_string(e.line) + ":" + std::to_string(e.column));
    ImGui::TableNextColumn();
    wrapped(e.pointer.empty() ? "(whole file)" : e.pointer);
    ImGui::TableNextColumn();
    text_colored(color, e.code);
    ImGui::TableNextColumn();
    wrapped(e.message);
  }
  ImGui::EndTable();
}

void draw_load_problems(PreviewModel& m) {
  m.ui.drawn_problems = static_cast<int>(m.load_errors().size());
  text_colored(kRed, std::to_string(m.load_errors().size()) + " problem(s) in " + m.form_path() + ":");
  draw_error_table("load_problems", m.load_errors(), kRed);
  ImGui::Separator();
}

//-----------------------------------------------------------------------------
// [SECTION] The citizen's view: one field per type, repeat groups, navigation
//-----------------------------------------------------------------------------

void draw_field(PreviewModel& m, const json& v);

// Whether the error of `path` is shown: after the developer touched it, after a refused
// Continue on this step, or always with "Show all errors".
bool error_shown(PreviewModel& m, const std::string& path) {
  const FormState* st = m.state();
  return m.ui.show_all_errors || m.ui.touched.count(path) > 0 ||
         (st && m.ui.attempted_steps.count(st->current_step()) > 0);
}

void draw_text_input(PreviewModel& m, const json& v, const std::string& path, const std::string& type) {
  std::string buffer = as_text(v["answer"]);
  const std::string id = "##" + path;
  bool changed = false;
  if (type == "textarea") {
    changed = ImGui::InputTextMultiline(id.c_str(), &buffer, ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 4));
  } else {
    const char* hint = type == "date" ? "YYYY-MM-DD" : type == "personnummer" ? "YYYYMMDD-NNNN"
                     : type == "orgnummer" ? "NNNNNN-NNNN" : type == "postalcode" ? "NNN NN" : "";
    ImGui::SetNextItemWidth(type == "text" || type == "email" ? -FLT_MIN : 260);
    changed = ImGui::InputTextWithHint(id.c_str(), hint, &buffer);
  }
  record(m, path);
  if (changed) {
    if (buffer.empty()) m.clear_answer(path);
    else m.set_answer(path, buffer);
  }
}

void draw_yesno(PreviewModel& m, const json& v, const std::string& path) {
  const json& answer = v["answer"];
  const std::string yes = std::string(yes_text(m.language())) + "##yes" + path;
  const std::string no = std::string(no_text(m.language())) + "##no" + path;
  if (ImGui::RadioButton(yes.c_str(), answer == json(true))) m.set_answer(path, true);
  record(m, path + "=true");
  ImGui::SameLine();
  if (ImGui::RadioButton(no.c_str(), answer == json(false))) m.set_answer(path, false);
  record(m, path + "=false");
}

void draw_choice(PreviewModel& m, const json& v, const std::string& path) {
  const json& options = v["options"];
  const std::string chosen = v["answer"].is_string() ? v["answer"].get<std::string>() : "";
  if (options.size() <= 8 && !v.value("search", false)) {
    for (const json& o : options) {
      const std::string value = o["value"].get<std::string>();
      const std::string label = o["label"].get<std::string>() + "##" + path + "=" + value;
      if (ImGui::RadioButton(label.c_str(), chosen == value)) m.set_answer(path, value);
      record(m, path + "=" + value);
    }
    return;
  }
  std::string preview = chosen;
  for (const json& o : options) {
    if (o["value"] == chosen) preview = o["label"].get<std::string>();
  }
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ImGui::BeginCombo(("##" + path).c_str(), preview.c_str())) {
    std::string& filter = m.ui.choice_filter;
    if (v.value("search", false)) ImGui::InputTextWithHint("##filter", "search", &filter);
    for (const json& o : options) {
      const std::string label = o["label"].get<std::string>();
      if (!filter.empty() && label.find(filter) == std::string::npos) continue;
      const std::string value = o["value"].get<std::string>();
      if (ImGui::Selectable((label + "##" + value).c_str(), chosen == value)) m.set_answer(path, value);
    }
    ImGui::EndCombo();
  }
  record(m, path);
}

void draw_multichoice(PreviewModel& m, const json& v, const std::string& path) {
  const json answer = v["answer"].is_array() ? v["answer"] : json::array();
  for (const json& o : v["options"]) {
    const std::string value = o["value"].get<std::string>();
    bool on = std::find(answer.begin(), answer.end(), json(value)) != answer.end();
    const std::string label = o["label"].get<std::string>() + "##" + path + "=" + value;
    if (ImGui::Checkbox(label.c_str(), &on)) {
      json next = json::array();
      for (const json& x : v["options"]) {  // in option order
        const bool keep = x["value"] == value ? on : std::find(answer.begin(), answer.end(), x["value"]) != answer.end();
        if (keep) next.push_back(x["value"]);
      }
      if (next.empty()) m.clear_answer(path);
      else m.set_answer(path, next);
    }
    record(m, path + "=" + value);
  }
}

// No file picker: the engine checks attachments from their metadata, so the developer
// attaches fake files with a name, a type and a size.
void draw_attachment(PreviewModel& m, const json& v, const std::string& path) {
  json files = v["answer"].is_array() ? v["answer"] : json::array();
  for (size_t i = 0; i < files.size(); ++i) {
    const json& f = files[i];
    text("  " + show(f.value("name", json())) + "  " + show(f.value("type", json())) + "  " +
         std::to_string(f.value("size", 0LL) / 1024) + " kB");
    ImGui::SameLine();
    if (ImGui::SmallButton(("Remove##file" + std::to_string(i)).c_str())) {
      files.erase(files.begin() + static_cast<long>(i));
      if (files.empty()) m.clear_answer(path);
      else m.set_answer(path, files);
      return;
    }
  }
  UiState::NewFile& nf = m.ui.new_files[path];
  if (nf.type.empty()) nf.type = v["accept"].empty() ? "application/pdf" : v["accept"][0].get<std::string>();
  ImGui::SetNextItemWidth(160);
  ImGui::InputText("name##newfile", &nf.name);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200);
  ImGui::InputText("type##newfile", &nf.type);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  ImGui::InputInt("kB##newfile", &nf.size_kb, 0);
  ImGui::SameLine();
  if (ImGui::Button("Attach")) {
    files.push_back({{"name", nf.name}, {"type", nf.type}, {"size", static_cast<long long>(nf.size_kb) * 1024},
                     {"sha256", sha256_of(nf.name)}});
    m.set_answer(path, files);
  }
  record(m, path + "#attach");
}

void draw_group(PreviewModel& m, const json& v, const std::string& path) {
  const std::string item = v.value("item_label", std::string());
  const json& rows = v["rows"];
  for (size_t r = 0; r < rows.size(); ++r) {
    ImGui::PushID(static_cast<int>(r));
    ImGui::Separator();
    text((item.empty() ? std::string("Row") : item) + " " + std::to_string(r + 1));
    ImGui::SameLine();
    if (ImGui::SmallButton("Remove")) m.remove_row(path, static_cast<int>(r));
    record(m, "#remove:" + path + "/" + std::to_string(r));
    ImGui::Indent();
    for (const json& child : rows[r]) draw_field(m, child);
    ImGui::Unindent();
    ImGui::PopID();
  }
  ImGui::Separator();
  ImGui::BeginDisabled(!v.value("can_add_row", true));
  if (ImGui::Button(("Add " + (item.empty() ? std::string("row") : item)).c_str())) m.add_row(path);
  record(m, "#add:" + path);
  ImGui::EndDisabled();
}

void draw_field(PreviewModel& m, const json& v) {
  const bool visible = v.value("visible", false);
  if (!visible && !m.ui.show_hidden) return;
  const std::string path = v["path"].get<std::string>();
  const std::string type = v["type"].get<std::string>();
  ImGui::PushID(path.c_str());
  ImGui::BeginDisabled(!visible);
  ImGui::Spacing();

  // The label selects the field in the inspector.
  FormState* st = m.state();
  int f = -1, row = -1;
  resolve(*st, path, &f, &row);
  std::string label = v.value("label", std::string());
  if (type == "info" && label.empty()) label = "(info)";
  if (v.value("required", false)) label += " *";
  if (!visible) label += "   [hidden]";
  if (ImGui::Selectable((label + "##label").c_str(), f == m.selected_field() && row == m.selected_row())) m.select(f, row);
  if (v.contains("hint")) text_colored(kGrey, v["hint"].get<std::string>());

  if (type == "info") {
    wrapped(v.value("text", std::string()));
  } else if (type == "group") {
    draw_group(m, v, path);
  } else if (v.value("readonly", false)) {
    std::string shown = show(v["value"]);
    ImGui::SetNextItemWidth(260);
    ImGui::InputText(("##" + path).c_str(), &shown, ImGuiInputTextFlags_ReadOnly);
    record(m, path);
    if (v.value("calculated", false)) {
      ImGui::SameLine();
      text_colored(kGrey, "(calculated)");
    }
  } else if (type == "yesno") {
    draw_yesno(m, v, path);
  } else if (type == "choice") {
    draw_choice(m, v, path);
  } else if (type == "multichoice") {
    draw_multichoice(m, v, path);
  } else if (type == "attachment") {
    draw_attachment(m, v, path);
  } else {
    draw_text_input(m, v, path, type);
  }
  if (ImGui::IsItemActivated()) m.select(f, row);

  const json error = v.value("error", json());  // info fields have none
  if (visible && error.is_object() && error_shown(m, path)) {
    const std::string message = error.value("message", std::string());
    text_colored(kRed, message);
    m.ui.drawn_errors[path] = message;
  }
  ImGui::EndDisabled();
  ImGui::PopID();
}

void draw_citizen_view(PreviewModel& m, const json& view) {
  FormState* st = m.state();
  if (!st || !view.is_object()) {
    text_colored(kGrey, "No form has loaded yet.");
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.75f, 1.0f, 1.0f));
  text(view["form"]["title"].get<std::string>());
  ImGui::PopStyleColor();
  // The steps: visible ones can be jumped to (as a summary page's change links do).
  for (const json& s : view["steps"]) {
    if (!s.value("visible", false)) continue;
    const std::string id = s["id"].get<std::string>();
    ImGui::SameLine();
    if (s.value("current", false)) {
      text_colored(kGreen, "[" + s["title"].get<std::string>() + "]");
    } else if (ImGui::SmallButton((s["title"].get<std::string>() + "##step" + id).c_str())) {
      m.go_to(st->find_step(id));
    }
  }
  const int position = view["progress"]["position"].get<int>();
  const int count = view["progress"]["count"].get<int>();
  char overlay[64];
  std::snprintf(overlay, sizeof overlay, "step %d of %d", position, count);
  ImGui::ProgressBar(count > 0 ? static_cast<float>(position) / static_cast<float>(count) : 0.0f, ImVec2(-FLT_MIN, 0), overlay);
  ImGui::Separator();
  text(view["step"]["title"].get<std::string>());
  const std::string description = view["step"].value("description", std::string());
  if (!description.empty()) text_colored(kGrey, description);

  for (const json& field : view["fields"]) draw_field(m, field);

  ImGui::Spacing();
  ImGui::Separator();
  ImGui::BeginDisabled(view.value("first", true));
  if (ImGui::Button("Back")) m.back();
  record(m, "#back");
  ImGui::EndDisabled();
  ImGui::SameLine();
  const bool last = view.value("last", true);
  if (ImGui::Button(last ? "Check the application" : "Continue")) {
    if (last) m.ui.attempted_steps.insert(st->current_step());
    else m.next();
  }
  record(m, "#continue");
  ImGui::SameLine();
  if (view.value("valid", false)) text_colored(kGreen, "the whole form is valid");
  else text_colored(kOrange, st->step_valid(st->current_step()) ? "this step is valid; others have errors" : "this step has errors");
  if (last && view.value("valid", false) && ImGui::CollapsingHeader("Canonical submission")) {
    wrapped(submission_document(canonical_submission(*st)).dump(2));
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Inspector: fields table, selected field, rules
//-----------------------------------------------------------------------------

void field_row(PreviewModel& m, FormState& st, int f, int row, const std::string& step) {
  const json v = view_field(st, f, row, m.language());
  if (!v.is_object()) return;
  const std::string path = v["path"].get<std::string>();
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  const bool selected = f == m.selected_field() && row == m.selected_row();
  if (ImGui::Selectable((path + "##row").c_str(), selected, ImGuiSelectableFlags_SpanAllColumns)) m.select(f, row);
  record(m, "#inspect:" + path);
  ImGui::TableNextColumn();
  text(step);
  ImGui::TableNextColumn();
  text(v["type"].get<std::string>());
  ImGui::TableNextColumn();
  text_line(v["visible"].get<bool>() ? kGreen : kGrey, v["visible"].get<bool>() ? "visible" : "hidden");
  ImGui::TableNextColumn();
  text(v.value("required", false) ? "required" : "");
  ImGui::TableNextColumn();
  text(as_text(v.value("answer", json())));
  ImGui::TableNextColumn();
  const std::string value = show(v.value("value", json()));
  if (v.value("calculated", false)) text_line(kOrange, "= " + value);
  else text(value);
  ImGui::TableNextColumn();
  if (v.contains("error") && v["error"].is_object()) text_line(kRed, v["error"].value("message", std::string()));
}

void draw_fields_table(PreviewModel& m, float height) {
  FormState& st = *m.state();
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("fields", 8, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  for (const char* name : {"step", "type", "visible", "required"}) ImGui::TableSetupColumn(name, ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("answer", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("value (= calculated)", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("error", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableHeadersRow();
  for (const FormLayout::StepItems& step : m.layout().steps) {
    for (const FormLayout::Item& item : step.fields) {
      if (item.field < 0) continue;
      field_row(m, st, item.field, -1, step.id);
      for (int r = 0; r < st.row_count(item.field); ++r) {
        for (int c : item.children) field_row(m, st, c, r, step.id);
      }
    }
  }
  ImGui::EndTable();
}

void draw_inputs(PreviewModel& m, const RuleInfo& r, const char* id) {
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    field_link(m, r.inputs[i].path, (std::string(id) + std::to_string(i)).c_str());
    ImGui::SameLine(0, 0);
    text(" = " + show(r.inputs[i].value));
  }
}

void draw_rule_table(PreviewModel& m, const char* id, const std::vector<RuleInfo>& rules, bool owner_column) {
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable(id, owner_column ? 6 : 5, flags)) return;
  if (owner_column) ImGui::TableSetupColumn("owner", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("rule", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("expression", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn("now", ImGuiTableColumnFlags_WidthFixed);
  ImGui::TableSetupColumn("reads (value now)", ImGuiTableColumnFlags_WidthStretch, 1.5f);
  ImGui::TableSetupColumn("pointer", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableHeadersRow();
  for (size_t i = 0; i < rules.size(); ++i) {
    const RuleInfo& r = rules[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::TableNextRow();
    if (owner_column) {
      ImGui::TableNextColumn();
      if (r.owner_field >= 0) field_link(m, r.owner, "owner");
      else text("step " + r.owner);
    }
    ImGui::TableNextColumn();
    text(r.kind + (r.constraint >= 0 ? " " + std::to_string(r.constraint) : ""));
    ImGui::TableNextColumn();
    wrapped(r.source);
    ImGui::TableNextColumn();
    if (!r.evaluated) text_colored(kGrey, "per row");
    else if (r.value == json(false)) text_line(kOrange, "false");
    else text(show(r.value));
    ImGui::TableNextColumn();
    if (r.evaluated) draw_inputs(m, r, "in");
    else wrapped([&] { std::string s; for (const auto& x : r.reads) s += (s.empty() ? "" : ", ") + x; return s; }());
    ImGui::TableNextColumn();
    wrapped(r.pointer);
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void draw_selected_field(PreviewModel& m) {
  FormState& st = *m.state();
  if (m.selected_field() < 0) {
    text_colored(kGrey, "Select a field (its label in the form, or a row above) to see its rules and why it is hidden.");
    return;
  }
  const std::optional<FieldInspection> in = inspect_field(st, m.selected_field(), m.selected_row());
  if (!in) return;
  const json v = view_field(st, in->field, in->row, m.language());
  text(in->path + "  (" + v["type"].get<std::string>() + ", step " + in->step + ")");
  if (in->hidden.hidden) {
    text_colored(kOrange, "Why hidden: " + in->hidden.explanation);
    if (in->hidden.rule) {
      text("  rule at " + in->hidden.rule->pointer + ":");
      ImGui::Indent();
      draw_inputs(m, *in->hidden.rule, "hid");
      ImGui::Unindent();
    }
  } else {
    text_colored(kGreen, "visible");
  }
  if (v.contains("error") && v["error"].is_object()) {
    text_colored(kRed, "error " + v["error"].value("code", std::string()) + ": " + v["error"].value("message", std::string()));
  }
  ImGui::Spacing();
  text("Its rules (what it depends on):");
  if (in->rules.empty()) text_colored(kGrey, "  none");
  else draw_rule_table(m, "own_rules", in->rules, false);
  ImGui::Spacing();
  text("Rules that read it (what depends on it):");
  if (in->read_by.empty()) text_colored(kGrey, "  none");
  else draw_rule_table(m, "read_by", in->read_by, true);
}

//-----------------------------------------------------------------------------
// [SECTION] Problems, warnings and scenarios
//-----------------------------------------------------------------------------

void draw_problems(PreviewModel& m) {
  if (m.broken()) {
    text_colored(kRed, "Load problems:");
    draw_error_table("problems_tab", m.load_errors(), kRed);
  }
  text(std::to_string(m.warnings().size()) + " usability warning(s)" + (m.broken() ? " (of the last form that loaded)" : "") + ":");
  draw_error_table("warnings", m.warnings(), kOrange);
  if (!m.dropped().empty()) {
    text("Answers the changed form could not keep:");
    draw_error_table("dropped", m.dropped(), kGrey);
  }
}

void draw_scenarios(PreviewModel& m) {
  if (m.scenarios().empty()) text_colored(kGrey, "No scenario files in " + m.form_dir() + "/tests/.");
  if (ImGui::Button("Re-run")) m.reload();
  for (const ScenarioRun& s : m.scenarios()) {
    const char* mark = !s.ran ? "[not run]" : s.passed ? "[pass]" : "[FAIL]";
    text_colored(!s.ran ? kGrey : s.passed ? kGreen : kRed, std::string(mark) + " " + s.file);
    ImGui::SameLine();
    wrapped(s.name);
    for (const ScenarioFailure& f : s.failures) {
      text_colored(kRed, "    " + (f.action >= 0 ? "action " + std::to_string(f.action) + " " : "") + f.pointer + ": " + f.message);
    }
  }
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] The frame
//-----------------------------------------------------------------------------

void draw_preview(PreviewModel& m) {
  m.ui.rects.clear();
  m.ui.drawn_errors.clear();
  m.ui.drawn_problems = 0;
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("Blankett preview", nullptr, flags);
  FormState* st = m.state();
  const json view = st ? view_step(*st, m.language()) : json();
  draw_toolbar(m, view);
  if (m.broken()) draw_load_problems(m);

  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::BeginChild("citizen", ImVec2(width * 0.42f, 0), true);
  ImGui::BeginDisabled(m.broken());  // the last good form, greyed
  draw_citizen_view(m, view);
  ImGui::EndDisabled();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("inspector", ImVec2(0, 0), true);
  if (ImGui::BeginTabBar("tabs")) {
    const ImGuiTabItemFlags inspect_flags = m.ui.select_tab ? ImGuiTabItemFlags_SetSelected : 0;
    m.ui.select_tab = false;
    const bool inspector_open = ImGui::BeginTabItem("Inspector", nullptr, inspect_flags);
    record(m, "#tab:inspector");
    if (inspector_open) {
      if (st) {
        draw_fields_table(m, ImGui::GetContentRegionAvail().y * 0.45f);
        ImGui::Separator();
        ImGui::BeginChild("selected");
        draw_selected_field(m);
        ImGui::EndChild();
      }
      ImGui::EndTabItem();
    }
    const bool rules_open = ImGui::BeginTabItem("Rules");
    record(m, "#tab:rules");
    if (rules_open) {
      if (st) draw_rule_table(m, "all_rules", form_rules(*st), true);
      ImGui::EndTabItem();
    }
    const std::string problems = "Problems (" + std::to_string(m.load_errors().size()) + ") and warnings (" +
                                 std::to_string(m.warnings().size()) + ")###problems";
    const bool problems_open = ImGui::BeginTabItem(problems.c_str());
    record(m, "#tab:problems");
    if (problems_open) {
      draw_problems(m);
      ImGui::EndTabItem();
    }
    const std::string scenarios = "Scenarios (" + std::to_string(m.scenarios().size()) + ")###scenarios";
    const bool scenarios_open = ImGui::BeginTabItem(scenarios.c_str());
    record(m, "#tab:scenarios");
    if (scenarios_open) {
      draw_scenarios(m);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
  ImGui::End();
  m.ui.drawn_generation = m.generation();
}

}  // namespace blankett::preview
