// Near-miss suggestions for error messages ("did you mean 'required'?"): a typo in a
// key or a field name should be answered with the right name, not only "unknown".
#pragma once
#include <string>

namespace blankett {

// Levenshtein distance: insertions, deletions and substitutions of bytes.
size_t edit_distance(const std::string& a, const std::string& b);

// Keeps *best as the candidate closest to `name` seen so far, if within 2 edits.
// Start with *best_distance = 3 (anything farther is not a near miss).
inline void consider(const std::string& name, const std::string& candidate, std::string* best, size_t* best_distance) {
  const size_t d = edit_distance(name, candidate);
  if (d < *best_distance) {
    *best_distance = d;
    *best = candidate;
  }
}

}  // namespace blankett
