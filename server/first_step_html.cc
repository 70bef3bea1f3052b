#include "first_step_html.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "blankett/utf8.h"
#include "html_page.h"

namespace blankett {

using nlohmann::json;

namespace {

const FirstStepTexts kSwedish{"Steg {position} av {count}", "Fortsätt", "(valfritt)", "Ja", "Nej", "Välj",
                              "Filtrera listan", "Lägg till {item}", "Ta bort {item} {n}", "{item} {n}",
                              "{step} – {form} – Blankett"};
const FirstStepTexts kEnglish{"Step {position} of {count}", "Continue", "(optional)", "Yes", "No", "Choose",
                              "Filter the list", "Add {item}", "Remove {item} {n}", "{item} {n}",
                              "{step} – {form} – Blankett"};
const FirstStepTexts kNorwegian{"Steg {position} av {count}", "Fortsett", "(valgfritt)", "Ja", "Nei", "Velg",
                                "Filtrer listen", "Legg til {item}", "Fjern {item} {n}", "{item} {n}",
                                "{step} – {form} – Blankett"};

// t(): every {name} in `text` replaced by its value (as plain text; escaped by the caller).
std::string fill(std::string text, std::initializer_list<std::pair<const char*, std::string>> params) {
  for (const auto& [name, value] : params) {
    const std::string slot = std::string("{") + name + "}";
    for (size_t at = text.find(slot); at != std::string::npos; at = text.find(slot, at + value.size())) {
      text.replace(at, slot.size(), value);
    }
  }
  return text;
}

// An element's start tag: the present attributes in the order given, empty values
// written as name="" (what the DOM serializes for h()'s `true`). Absent attributes are
// the ones h() leaves out (null, undefined, false).
struct Attr {
  const char* name;
  std::string value;
  bool present = true;
};
// An attribute that is there when `value` is (render.js TEXT_INPUTS leaves some out).
Attr optional(const char* name, const char* value) { return Attr{name, value ? value : "", value != nullptr}; }
Attr flag_attr(const char* name, bool on) { return Attr{name, "", on}; }
std::string open_tag(const char* tag, std::initializer_list<Attr> attrs) {
  std::string out = std::string("<") + tag;
  for (const Attr& a : attrs) {
    if (a.present) out += std::string(" ") + a.name + "=\"" + html_escape(a.value) + "\"";
  }
  return out + ">";
}
std::string element(const char* tag, std::initializer_list<Attr> attrs, const std::string& text) {
  return open_tag(tag, attrs) + html_escape(text) + "</" + tag + ">";
}

std::string str(const json& view, const char* key) {
  auto it = view.find(key);
  return it != view.end() && it->is_string() ? it->get<std::string>() : std::string();
}
bool flag(const json& view, const char* key) {
  auto it = view.find(key);
  return it != view.end() && it->is_boolean() && it->get<bool>();
}
// An answer or option value as the DOM holds it (String(value)).
std::string key_text(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// render.js inputId(): "f-" + the path with "/" as "-".
std::string input_id(std::string path) {
  for (char& c : path) {
    if (c == '/') c = '-';
  }
  return "f-" + path;
}

// JavaScript's String(number) for the numbers a view holds (shortest round trip).
std::string js_number(double v) {
  if (v == 0) return "0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

struct Renderer {
  const std::string& lang;
  const FirstStepTexts& tx;

  std::string label_text(const json& v) const {
    const std::string label = str(v, "label");
    return flag(v, "required") || flag(v, "readonly") || flag(v, "calculated") ? label : label + " " + tx.optional;
  }

  // render.js displayValue(): a value as the citizen reads it.
  std::string display_value(const json& v) const {
    const json& value = v.contains("value") ? v["value"] : json();
    if (value.is_null() || (value.is_string() && value.get<std::string>().empty()) ||
        (value.is_array() && value.empty())) {
      return "–";
    }
    const std::string type = str(v, "type");
    if ((type == "integer" || type == "decimal") && value.is_number()) {
      int digits = 3;  // Intl's default
      if (type == "integer") digits = 0;
      else if (v.contains("decimals") && v["decimals"].is_number_integer()) digits = v["decimals"].get<int>();
      return format_number(lang, value.get<double>(), digits);
    }
    if (type == "yesno") return value.is_boolean() && value.get<bool>() ? tx.yes : tx.no;
    auto option_label = [&](const json& key) {
      for (const json& o : v.value("options", json::array())) {
        if (o.value("value", json()) == key) return str(o, "label");
      }
      return key_text(key);
    };
    if (type == "choice") return option_label(value);
    if ((type == "multichoice" || type == "attachment") && value.is_array()) {
      std::string out;
      for (const json& x : value) {
        if (!out.empty()) out += ", ";
        out += type == "attachment" ? str(x, "name") : option_label(x);
      }
      return out;
    }
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number()) return js_number(value.get<double>());
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    return value.dump();
  }

  // The hint's element, and the aria-describedby that names it (absent without a hint).
  static std::string hint_html(const json& v, const std::string& id) {
    return v.contains("hint") ? element("div", {{"class", "hint"}, {"id", id + "-hint"}}, str(v, "hint")) : "";
  }
  static Attr described_by(const json& v, const std::string& id) {
    return Attr{"aria-describedby", id + "-hint", v.contains("hint")};
  }

  std::string group_open(const json& v, const std::string& id, const char* extra_class = "") const {
    return open_tag("div", {{"class", std::string("form-group") + extra_class},
                            {"data-path", str(v, "path")},
                            {"data-type", str(v, "type")},
                            {"id", id + "-group"},
                            flag_attr("hidden", !flag(v, "visible"))});
  }

  // The filter box over a long list (render.js OptionFilter); `context` names the list
  // when the box is outside its fieldset.
  std::string option_filter(const std::string& id, const std::string& controls, const std::string& context) const {
    const std::string fid = id + "-filter";
    std::string label = open_tag("label", {{"class", "label label--s"}, {"for", fid}}) + html_escape(tx.filter_label);
    if (!context.empty()) label += element("span", {{"class", "visually-hidden"}}, ": " + context);
    label += "</label>";
    return open_tag("div", {{"class", "option-filter"}}) + label +
           open_tag("input", {{"class", "input w-20 option-filter__input"},
                              {"id", fid},
                              {"type", "search"},
                              {"autocomplete", "off"},
                              {"spellcheck", "false"},
                              {"aria-controls", controls},
                              {"aria-describedby", fid + "-status"}}) +
           open_tag("p", {{"class", "hint option-filter__status"}, {"id", fid + "-status"}, {"role", "status"}}) +
           "</p></div>";
  }

  std::string text_field(const json& v, const std::string& id) const {
    struct Spec {
      const char* type;
      const char* inputmode;
      const char* autocomplete;
      const char* spellcheck;
      const char* width;
    };
    // render.js TEXT_INPUTS
    const std::string type = str(v, "type");
    Spec s{"text", nullptr, nullptr, nullptr, nullptr};
    if (type == "email") s = {"email", nullptr, "email", "false", "w-30"};
    else if (type == "phone") s = {"tel", nullptr, "tel", nullptr, "w-20"};
    else if (type == "personnummer" || type == "orgnummer") s = {"text", nullptr, nullptr, "false", "w-20"};
    else if (type == "postalcode") s = {"text", nullptr, "postal-code", "false", "w-10"};
    else if (type == "integer") s = {"text", "numeric", nullptr, "false", "w-10"};
    else if (type == "decimal") s = {"text", "decimal", nullptr, "false", "w-10"};
    else if (type == "date") s = {"date", nullptr, nullptr, nullptr, "w-date"};
    const json& answer = v.value("answer", json());
    return element("label", {{"class", "label"}, {"for", id}}, label_text(v)) + hint_html(v, id) +
           open_tag("input", {{"class", s.width ? std::string("input ") + s.width : "input"},
                              {"id", id},
                              {"name", str(v, "path")},
                              {"type", s.type},
                              optional("inputmode", s.inputmode),
                              {"autocomplete", s.autocomplete ? s.autocomplete : "off"},
                              optional("spellcheck", s.spellcheck),
                              described_by(v, id),
                              Attr{"value", key_text(answer), !answer.is_null()}});
  }

  std::string textarea_field(const json& v, const std::string& id) const {
    const std::string answer = str(v, "answer");
    return element("label", {{"class", "label"}, {"for", id}}, label_text(v)) + hint_html(v, id) +
           open_tag("textarea", {{"class", "textarea"}, {"id", id}, {"name", str(v, "path")}, {"rows", "5"},
                                 {"spellcheck", "true"}, described_by(v, id)}) +
           // A newline right after <textarea> would be dropped by the parser.
           (!answer.empty() && answer[0] == '\n' ? "\n" : "") + html_escape(answer) + "</textarea>";
  }

  // Radios (choice, yes/no) and checkboxes (multichoice) in a fieldset.
  std::string options_field(const json& v, const std::string& id, const std::string& kind) const {
    const std::string type = str(v, "type");
    std::vector<std::pair<std::string, std::string>> options;  // (key, label)
    if (type == "yesno") {
      options = {{"true", tx.yes}, {"false", tx.no}};
    } else {
      for (const json& o : v.value("options", json::array())) {
        options.emplace_back(key_text(o.value("value", json())), str(o, "label"));
      }
    }
    const json& answer = v.value("answer", json());
    auto chosen = [&](const std::string& key) {
      if (answer.is_array()) {
        for (const json& a : answer) {
          if (key_text(a) == key) return true;
        }
        return false;
      }
      return !answer.is_null() && key_text(answer) == key;
    };
    const bool filtered = flag(v, "search") && type != "yesno";
    std::string list_class = kind == "radio" ? (type == "yesno" ? "radios radios--inline" : "radios") : "checkboxes";
    std::string list = open_tag("div", {{"class", list_class}, Attr{"id", id + "-options", filtered}});
    for (size_t i = 0; i < options.size(); ++i) {
      // The first option's input has the field's own id: error links go there (GOV.UK).
      const std::string oid = i == 0 ? id : id + "-" + std::to_string(i);
      list += open_tag("div", {{"class", kind + "__item"}}) +
              open_tag("input", {{"class", kind + "__input"},
                                 {"id", oid},
                                 {"name", str(v, "path")},
                                 {"type", kind},
                                 {"value", options[i].first},
                                 flag_attr("checked", chosen(options[i].first))}) +
              element("label", {{"class", kind + "__label"}, {"for", oid}}, options[i].second) + "</div>";
    }
    list += "</div>";
    return open_tag("fieldset", {{"class", "fieldset"}, {"id", id + "-fieldset"}, described_by(v, id)}) +
           element("legend", {{"class", "fieldset__legend"}}, label_text(v)) + hint_html(v, id) +
           (filtered ? option_filter(id, id + "-options", "") : "") + list + "</fieldset>";
  }

  std::string select_field(const json& v, const std::string& id) const {
    const json& answer = v.value("answer", json());
    const std::string chosen = answer.is_null() ? "" : key_text(answer);
    std::string select = open_tag("select", {{"class", "select"}, {"id", id}, {"name", str(v, "path")}, described_by(v, id)}) +
                         element("option", {{"value", ""}}, tx.choose);
    for (const json& o : v.value("options", json::array())) {
      const std::string key = key_text(o.value("value", json()));
      select += open_tag("option", {{"value", key}, flag_attr("selected", !chosen.empty() && key == chosen)}) +
                html_escape(str(o, "label")) + "</option>";
    }
    select += "</select>";
    return element("label", {{"class", "label"}, {"for", id}}, label_text(v)) + hint_html(v, id) +
           (flag(v, "search") ? option_filter(id, id, str(v, "label")) : "") + select;
  }

  std::string attachment_field(const json& v, const std::string& id) const {
    std::string accept;
    for (const json& a : v.value("accept", json::array())) {
      if (!accept.empty()) accept += ",";
      if (a.is_string()) accept += a.get<std::string>();
    }
    const bool multiple = v.value("max_files", 1) > 1;
    // A fresh filling has no files chosen: the list under the input starts empty.
    return element("label", {{"class", "label"}, {"for", id}}, label_text(v)) + hint_html(v, id) +
           open_tag("input", {{"class", "file-upload"},
                              {"id", id},
                              {"name", str(v, "path")},
                              {"type", "file"},
                              Attr{"accept", accept, !accept.empty()},
                              flag_attr("multiple", multiple),
                              described_by(v, id)}) +
           "<p class=\"file-status\" role=\"status\"></p><ul class=\"file-list\"></ul>";
  }

  std::string value_field(const json& v, const std::string& id) const {
    const std::string output =
        open_tag("output", {{"class", "readonly-value"}, {"id", id}, {"aria-labelledby", id + "-label"}, described_by(v, id)}) +
        html_escape(display_value(v)) + "</output>";
    return element("span", {{"class", "label"}, {"id", id + "-label"}}, str(v, "label")) + hint_html(v, id) + "<div>" +
           output + "</div>";
  }

  std::string info_field(const json& v) const {
    // render.js paragraphs(): split at blank lines.
    std::string out = open_tag("div", {{"class", "inset-text"},
                                       {"data-path", str(v, "path")},
                                       {"data-type", "info"},
                                       {"id", input_id(str(v, "path")) + "-group"},
                                       flag_attr("hidden", !flag(v, "visible"))});
    const std::string text = str(v, "text");
    size_t start = 0;
    for (;;) {
      size_t split = std::string::npos, next = 0;
      for (size_t nl = text.find('\n', start); nl != std::string::npos; nl = text.find('\n', nl + 1)) {
        size_t j = nl + 1;
        size_t last_nl = std::string::npos;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r' ||
                                   text[j] == '\f' || text[j] == '\v')) {
          if (text[j] == '\n') last_nl = j;
          ++j;
        }
        if (last_nl != std::string::npos) {
          split = nl;
          next = last_nl + 1;
          break;
        }
      }
      out += "<p>" + html_escape(text.substr(start, split == std::string::npos ? std::string::npos : split - start)) + "</p>";
      if (split == std::string::npos) break;
      start = next;
    }
    return out + "</div>";
  }

  std::string group_field(const json& v, const std::string& id) const {
    const std::string item = str(v, v.contains("item_label") ? "item_label" : "label");
    const std::string item_lower = to_lower(item);
    const json& rows = v.value("rows", json::array());
    const bool removable = flag(v, "can_remove_row");
    std::string out = open_tag("fieldset", {{"class", "fieldset repeat-group"}, {"id", id}, {"tabindex", "-1"},
                                            described_by(v, id)}) +
                      element("legend", {{"class", "fieldset__legend fieldset__legend--m"}}, str(v, "label")) +
                      hint_html(v, id) + "<div class=\"repeat-group__rows\">";
    for (size_t i = 0; i < rows.size(); ++i) {
      const std::string n = std::to_string(i + 1);
      out += open_tag("fieldset", {{"class", "fieldset repeat-group__row"}, {"id", id + "-row-" + std::to_string(i)},
                                   {"data-row", std::to_string(i)}}) +
             element("legend", {{"class", "fieldset__legend fieldset__legend--s"}},
                     fill(tx.row_heading, {{"item", item}, {"n", n}}));
      for (const json& cell : rows[i]) out += field(cell);
      if (removable) {
        out += element("button", {{"type", "button"}, {"class", "button button--secondary button--small"},
                                  {"data-action", "remove-row"}},
                       fill(tx.remove_row, {{"item", item_lower}, {"n", n}}));
      }
      out += "</fieldset>";
    }
    out += "</div>" +
           open_tag("button", {{"type", "button"},
                               {"class", "button button--secondary"},
                               {"data-action", "add-row"},
                               flag_attr("hidden", !flag(v, "can_add_row"))}) +
           html_escape(fill(tx.add_row, {{"item", item_lower}})) + "</button></fieldset>";
    return out;
  }

  // render.js createField()
  std::string field(const json& v) const {
    const std::string type = str(v, "type");
    if (type == "info") return info_field(v);
    const std::string id = input_id(str(v, "path"));
    if (type == "group") return group_open(v, id) + group_field(v, id) + "</div>";
    if (flag(v, "calculated") || flag(v, "readonly")) {
      return group_open(v, id, " form-group--readonly") + value_field(v, id) + "</div>";
    }
    std::string body;
    if (type == "textarea") body = textarea_field(v, id);
    else if (type == "yesno") body = options_field(v, id, "radio");
    else if (type == "multichoice") body = options_field(v, id, "checkbox");
    else if (type == "choice") {
      // render.js MAX_RADIOS: more options than this are a <select>.
      body = v.value("options", json::array()).size() > 7 ? select_field(v, id) : options_field(v, id, "radio");
    } else if (type == "attachment") body = attachment_field(v, id);
    else body = text_field(v, id);
    return group_open(v, id) + body + "</div>";
  }
};

}  // namespace

const FirstStepTexts& first_step_texts(const std::string& lang) {
  if (lang == "sv") return kSwedish;
  if (lang == "nb") return kNorwegian;
  return kEnglish;
}

std::string format_number(const std::string& lang, double value, int max_fraction_digits) {
  const bool nordic = lang == "sv" || lang == "nb";
  const char* group = nordic ? "\xC2\xA0" : ",";       // U+00A0 NO-BREAK SPACE
  const char* decimal = nordic ? "," : ".";
  const char* minus = nordic ? "\xE2\x88\x92" : "-";  // U+2212 MINUS SIGN
  if (!std::isfinite(value)) return js_number(value);
  if (max_fraction_digits < 0) max_fraction_digits = 0;
  // The shortest decimal that reads back as `value`, rounded as a decimal (as ICU does):
  // 2.675 is "2.68" at two decimals although the double is a little below 2.675.
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::fabs(value), std::chars_format::fixed);
  if (ec != std::errc()) return js_number(value);
  std::string digits(buf, end);
  size_t dot = digits.find('.');
  std::string whole = dot == std::string::npos ? digits : digits.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
  if (static_cast<int>(frac.size()) > max_fraction_digits) {
    const bool up = frac[max_fraction_digits] >= '5';  // half away from zero
    frac.resize(max_fraction_digits);
    if (up) {
      std::string all = whole + frac;
      int i = static_cast<int>(all.size()) - 1;
      while (i >= 0 && all[i] == '9') all[i--] = '0';
      if (i < 0) all.insert(all.begin(), '1');
      else ++all[i];
      whole = all.substr(0, all.size() - frac.size());
      frac = all.substr(all.size() - frac.size());
    }
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  std::string out = std::signbit(value) ? minus : "";
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += group;
    out += whole[i];
  }
  if (!frac.empty()) out += decimal + frac;
  return out;
}

FirstStepHtml first_step_html(const json& view, const std::string& lang) {
  const FirstStepTexts& tx = first_step_texts(lang);
  Renderer r{lang, tx};
  const json& step = view.value("step", json::object());
  const json& progress = view.value("progress", json::object());
  FirstStepHtml out;
  out.title = fill(tx.page_title, {{"step", str(step, "title")}, {"form", str(view.value("form", json::object()), "title")}});
  out.main = element("span", {{"class", "caption-l"}, {"id", "step-progress"}},
                     fill(tx.step_of, {{"position", js_number(progress.value("position", 0.0))},
                                       {"count", js_number(progress.value("count", 0.0))}})) +
             element("h1", {{"class", "heading-l"}, {"id", "step-heading"}, {"tabindex", "-1"}}, str(step, "title"));
  if (!str(step, "description").empty()) {
    out.main += element("p", {{"class", "body lead"}, {"id", "step-description"}}, str(step, "description"));
  }
  out.main += open_tag("form", {{"class", "step-form"}, {"novalidate", ""}, {"data-step", str(step, "id")}, {"inert", ""}}) +
              "<div class=\"step-fields\">";
  for (const json& f : view.value("fields", json::array())) out.main += r.field(f);
  out.main += "</div><div class=\"button-group\">" +
              element("button", {{"type", "submit"}, {"class", "button"}, {"id", "continue"}}, tx.continue_) +
              "</div></form>";
  return out;
}

std::string form_page_language(const std::string& query_lang, const std::string& cookie_header,
                               const std::vector<std::string>& languages) {
  auto has = [&](const std::string& l) { return std::find(languages.begin(), languages.end(), l) != languages.end(); };
  auto app_has = [](const std::string& l) { return l == "sv" || l == "en" || l == "nb"; };
  if (!query_lang.empty() && has(query_lang) && app_has(query_lang)) return query_lang;
  const std::string remembered = lang_cookie(cookie_header);  // the server pages' (sv or en)
  if (!remembered.empty() && has(remembered)) return remembered;
  for (const std::string& l : languages) {
    if (app_has(l)) return l;
  }
  return "sv";
}

std::string with_first_step(const std::string& shell, const FirstStepHtml& step, const std::string& form_id,
                            const std::string& lang, const std::vector<std::string>& languages) {
  static const std::string kHtml = "<html lang=\"sv\">";
  static const std::string kTitle = "<title>Blankett</title>";
  static const std::string kMain = "<main class=\"main\" id=\"main\" tabindex=\"-1\">";
  static const std::string kLoadingStart = "<p class=\"body\" id=\"page-loading\">";
  const size_t html_at = shell.find(kHtml);
  const size_t title_at = shell.find(kTitle);
  const size_t main_at = shell.find(kMain);
  const size_t loading_at = shell.find(kLoadingStart);
  const size_t loading_end = loading_at == std::string::npos ? std::string::npos : shell.find("</p>", loading_at);
  if (html_at == std::string::npos || title_at == std::string::npos || main_at == std::string::npos ||
      loading_end == std::string::npos || !(html_at < title_at && title_at < main_at && main_at < loading_at)) {
    return shell;
  }
  std::string langs;
  for (const std::string& l : languages) langs += (langs.empty() ? "" : " ") + l;
  std::string out;
  out.reserve(shell.size() + step.main.size() + 256);
  out.append(shell, 0, html_at);
  out += "<html lang=\"" + html_escape(lang) + "\">";
  out.append(shell, html_at + kHtml.size(), title_at - html_at - kHtml.size());
  out += "<title>" + html_escape(step.title) + "</title>";
  out.append(shell, title_at + kTitle.size(), main_at - title_at - kTitle.size());
  out += "<main class=\"main\" id=\"main\" tabindex=\"-1\" aria-busy=\"true\" data-first-step=\"" +
         html_escape(form_id + ":" + lang) + "\" data-languages=\"" + html_escape(langs) + "\">";
  out.append(shell, main_at + kMain.size(), loading_at - main_at - kMain.size());
  out += step.main;
  out.append(shell, loading_end + 4, std::string::npos);
  return out;
}

}  // namespace blankett
