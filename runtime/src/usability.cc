#include "blankett/usability.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "form_model.h"
#include "json_text.h"

namespace blankett {

namespace {

Error warning(const char* code, const std::string& pointer, std::string message) {
  return Error{code, pointer, 0, 0, std::move(message)};
}

int count_words(const std::string& text) {
  int words = 0;
  bool in_word = false;
  for (unsigned char c : text) {
    const bool letter = c >= 0x80 || std::isalnum(c) != 0;  // any non-ASCII byte belongs to a word
    if (letter && !in_word) ++words;
    in_word = letter;
  }
  return words;
}

// A message that names no fix: too short to say what a correct answer looks like. Four
// words is about the shortest that can ("Enter a date after 1 January").
bool unhelpful(const std::string& message) { return !message.empty() && count_words(message) < kMinWordsInAMessage; }

void check_message(const CompiledForm& form, const LocalizedText& text, const std::string& pointer, Errors* out) {
  if (!text.present) return;
  for (Lang l : form.languages) {
    const std::string& message = text_in(text, l, form.default_lang());
    if (unhelpful(message)) {
      out->push_back(warning("lint.unhelpful_message", pointer,
                             std::string("the message \"") + message + "\" (" + lang_code(l) +
                                 ") does not say how to fix the answer: say what a correct answer looks like, "
                                 "e.g. \"Enter a date after 1 January 2026\""));
      return;  // one warning per message is enough
    }
  }
}

int input_fields(const CompiledForm& form, const std::vector<int>& fields) {
  int n = 0;
  for (int f : fields) {
    const Field& fd = form.fields[static_cast<size_t>(f)];
    if (fd.type == FieldType::kGroup) {
      n += input_fields(form, fd.children);
    } else if (fd.type != FieldType::kInfo) {
      ++n;
    }
  }
  return n;
}

// An expression's text without white space: two conditions written alike compare equal.
std::string condition_text(const CompiledForm& form, int expr) {
  std::string out;
  if (expr < 0) return out;
  for (char c : form.expressions[static_cast<size_t>(expr)].source) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

// Whether `field` is visibly required whenever the signer's `when` holds, as far as can
// be told without solving conditions: it is required (always, or under the very same
// condition), and neither it nor its step is shown under any other condition. A form
// that words an equivalent condition differently gets the warning too; it is advice.
bool required_whenever(const CompiledForm& form, int field, int when) {
  const Field& fd = form.fields[static_cast<size_t>(field)];
  const std::string condition = condition_text(form, when);
  const auto always_or_same = [&](int expr) { return expr < 0 || condition_text(form, expr) == condition; };
  const bool required = fd.required || (fd.required_if >= 0 && always_or_same(fd.required_if));
  return required && always_or_same(fd.visible_if) && always_or_same(form.steps[static_cast<size_t>(fd.step)].visible_if);
}

void check_signer_fields(const CompiledForm& form, Errors* out) {
  for (const Signer& s : form.signers) {
    const std::pair<int, const char*> fields[] = {{s.personal_number_field, "personal_number"}, {s.email_field, "email"}};
    for (const auto& [field, key] : fields) {
      if (field < 0 || required_whenever(form, field, s.when)) continue;
      const std::string& id = form.fields[static_cast<size_t>(field)].id;
      const std::string condition = s.when < 0 ? std::string("always")
                                               : "when " + form.expressions[static_cast<size_t>(s.when)].source;
      out->push_back(warning("lint.signer_field_optional", s.pointer + "/" + key,
                             "the signer '" + s.id + "' is required " + condition + ", but '" + id +
                                 "' may then be hidden or empty: make it \"required\": true and show it under the same "
                                 "condition, so that every submission says who must sign and where the link goes"));
    }
  }
}

}  // namespace

Errors usability_warnings(const CompiledForm& form, std::string_view definition_text) {
  Errors out;
  for (const Step& step : form.steps) {
    const int n = input_fields(form, step.fields);
    if (n > kMaxFieldsPerStep) {
      out.push_back(warning("lint.long_step", step.pointer,
                            "the step '" + step.id + "' asks " + std::to_string(n) + " questions: split it into steps of at most " +
                                std::to_string(kMaxFieldsPerStep) + " so that each page stays manageable"));
    }
  }
  for (const Field& fd : form.fields) {
    if ((fd.required || fd.required_if >= 0) && fd.type != FieldType::kInfo) {
      for (Lang l : form.languages) {
        if (fd.label.in(l).empty()) {
          out.push_back(warning("lint.untranslated_label", fd.pointer + "/label",
                                "the required field '" + fd.id + "' has no label in '" + lang_code(l) +
                                    "': give the label as {\"" + lang_code(form.languages[0]) + "\": …, \"" + lang_code(l) +
                                    "\": …} so that everyone can answer it"));
          break;
        }
      }
    }
    if ((fd.type == FieldType::kChoice || fd.type == FieldType::kMultiChoice) &&
        static_cast<int>(fd.options.size()) > kMaxOptionsWithoutSearch && !fd.searchable) {
      out.push_back(warning("lint.long_choice_list", fd.pointer + "/options",
                            "'" + fd.id + "' lists " + std::to_string(fd.options.size()) +
                                " options: add \"search\": true so that people can filter them instead of scrolling"));
    }
    check_message(form, fd.required_message, fd.pointer + "/messages/required", &out);
    check_message(form, fd.format_message, fd.pointer + "/messages/format", &out);
    check_message(form, fd.pattern_message, fd.pointer + "/pattern_message", &out);
    for (size_t i = 0; i < fd.constraints.size(); ++i) {
      check_message(form, fd.constraints[i].message, fd.pointer + "/constraints/" + std::to_string(i) + "/message", &out);
    }
  }
  check_signer_fields(form, &out);
  if (!definition_text.empty()) fill_lines(definition_text, &out);
  std::stable_sort(out.begin(), out.end(), [](const Error& a, const Error& b) { return a.line < b.line; });
  return out;
}

}  // namespace blankett
