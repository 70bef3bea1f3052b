// UTF-8 text handling for the engine: strict validation and decoding, encoding, code point
// counting, the small case mapping needed for Swedish and Norwegian (ASCII, Latin-1
// Supplement, Latin Extended-A), and the canonical form of a citizen's free-text answer.
// Everything here is table-driven and locale-free so that native and WASM builds agree
// byte for byte.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace blankett {

// Strict UTF-8: rejects overlong encodings, surrogates (U+D800..U+DFFF), code points above
// U+10FFFF and truncated or stray continuation bytes.
bool valid_utf8(std::string_view s);

// Decodes the code point starting at byte *pos and advances *pos past it. Returns false
// (leaving *pos and *cp unchanged) at the end of `s` or when the bytes at *pos are not
// strict UTF-8.
bool next_code_point(std::string_view s, size_t* pos, char32_t* cp);

// Appends `cp` encoded as UTF-8. Surrogates and values above U+10FFFF are not code points
// that may appear in UTF-8, so they are appended as U+FFFD REPLACEMENT CHARACTER.
void append_utf8(std::string* out, char32_t cp);

// Number of code points. Each byte that is not part of a valid sequence counts as one,
// so that the count never exceeds the byte length and is defined for any input.
size_t code_point_count(std::string_view s);

// Simple (one-to-one) case mapping for ASCII, Latin-1 Supplement and Latin Extended-A.
// ß, × and ÷ have no single-code-point counterpart and are unchanged, as is every code
// point outside those blocks. Invalid bytes are copied through unchanged.
std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);

// The canonical form of a citizen's text answer, so that the same visible text always
// compares, counts and matches patterns the same way:
//  - "\r\n" and a lone "\r" become "\n";
//  - control characters (C0 except \n and \t, DEL, C1) are removed; a tab becomes a
//    space; unless `multiline`, "\n" becomes a space;
//  - a Latin letter followed by a combining grave, acute, circumflex, tilde, diaeresis,
//    ring, cedilla or caron is composed into the precomposed letter when one exists in
//    Latin-1 Supplement or Latin Extended-A (e.g. "a" U+030A -> "å"; macOS and some
//    keyboards send the decomposed form);
//  - leading and trailing white space (space, \t, \n, U+00A0, U+2000..U+200A, U+202F,
//    U+3000) is removed; when `multiline`, trailing white space of every line is removed
//    too.
// REQUIRES: valid_utf8(s). Invalid bytes are dropped, so the result is always valid UTF-8.
std::string normalize_text(std::string_view s, bool multiline);

// Whether normalize_text(s, …) is empty (only white space and control characters),
// without building the text.
bool blank_text(std::string_view s);

}  // namespace blankett
