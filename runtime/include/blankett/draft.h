// Drafts: a citizen's unfinished answers, saved on the device and restored later, even
// against a newer version of the form.
#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

#include "blankett/error.h"
#include "blankett/state.h"

namespace blankett {

// {"format": "blankett-draft/1", "form": id, "version": hash, "step": step id,
//  "answers": {…as typed…}}
nlohmann::json make_draft(const FormState& state);

struct RestoredDraft {
  FormState state;
  // What could not be kept ("draft.dropped_answer" with the answer's pointer), e.g. a
  // field the new version removed or an option it no longer offers. Empty when the
  // draft was made with this very version.
  Errors dropped;
};

// Restores a draft for `form`. Fails ("draft.*" errors) only when the draft is not a
// draft of this form at all; anything else that does not fit is dropped and reported.
Result<RestoredDraft> restore_draft(FormPtr form, const nlohmann::json& draft, std::string_view today);

}  // namespace blankett
