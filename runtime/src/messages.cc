#include "messages.h"

#include <cmath>
#include <cstdio>

namespace blankett {
namespace {

struct Trio { const char* sv; const char* en; const char* nb; };

const char* pick(const Trio& t, Lang lang) {
  switch (lang) {
    case Lang::kSv: return t.sv;
    case Lang::kEn: return t.en;
    case Lang::kNb: return t.nb;
  }
  return t.sv;
}

// Replaces {label}, {min} and {max}; the label is quoted in the language's own quotes.
std::string fill(const char* pattern, const MessageArgs& a, Lang lang) {
  const char* open = lang == Lang::kEn ? "\u201C" : lang == Lang::kSv ? "\u201D" : "\u00AB";
  const char* close = lang == Lang::kEn ? "\u201D" : lang == Lang::kSv ? "\u201D" : "\u00BB";
  std::string out;
  for (const char* p = pattern; *p; ++p) {
    if (*p == '{') {
      std::string key;
      const char* q = p + 1;
      while (*q && *q != '}') key += *q++;
      if (*q == '}') {
        if (key == "label") out += std::string(open) + a.label + close;
        else if (key == "min") out += a.min;
        else if (key == "max") out += a.max;
        p = q;
        continue;
      }
    }
    out += *p;
  }
  return out;
}

Trio format_message(FieldType t) {
  switch (t) {
    case FieldType::kInteger:
      return {"{label} ska vara ett heltal, till exempel 12", "{label} must be a whole number, like 12",
              "{label} må være et heltall, for eksempel 12"};
    case FieldType::kDecimal:
      return {"{label} ska vara ett tal, till exempel 12,5", "{label} must be a number, like 12.5",
              "{label} må være et tall, for eksempel 12,5"};
    case FieldType::kDate:
      return {"{label} ska vara ett riktigt datum, till exempel 2026-03-31", "{label} must be a real date, like 2026-03-31",
              "{label} må være en gyldig dato, for eksempel 2026-03-31"};
    case FieldType::kYesNo:
      return {"Välj ja eller nej för {label}", "Choose yes or no for {label}", "Velg ja eller nei for {label}"};
    case FieldType::kEmail:
      return {"Skriv en e-postadress i rätt format, till exempel namn@exempel.se, i {label}",
              "Enter an email address in the correct format, like name@example.com, in {label}",
              "Skriv en e-postadresse i riktig format, for eksempel navn@eksempel.no, i {label}"};
    case FieldType::kPhone:
      return {"Skriv ett telefonnummer med 7 till 15 siffror, till exempel 070-123 45 67, i {label}",
              "Enter a phone number with 7 to 15 digits, like 070-123 45 67, in {label}",
              "Skriv et telefonnummer med 7 til 15 sifre, for eksempel 070-123 45 67, i {label}"};
    case FieldType::kPersonnummer:
      return {"Skriv ett giltigt personnummer med 12 siffror, ÅÅÅÅMMDD-NNNN, i {label}",
              "Enter a valid Swedish personal identity number, YYYYMMDD-NNNN, in {label}",
              "Skriv et gyldig svensk personnummer, ÅÅÅÅMMDD-NNNN, i {label}"};
    case FieldType::kOrgnummer:
      return {"Skriv ett giltigt organisationsnummer, NNNNNN-NNNN, i {label}",
              "Enter a valid Swedish organisation number, NNNNNN-NNNN, in {label}",
              "Skriv et gyldig svensk organisasjonsnummer, NNNNNN-NNNN, i {label}"};
    case FieldType::kPostalCode:
      return {"Skriv ett postnummer med fem siffror, till exempel 123 45, i {label}",
              "Enter a postal code with five digits, like 123 45, in {label}",
              "Skriv et postnummer med fem sifre, for eksempel 123 45, i {label}"};
    case FieldType::kAttachment:
      return {"Bifoga filen till {label} igen", "Attach the file to {label} again", "Legg ved filen til {label} på nytt"};
    case FieldType::kChoice:
    case FieldType::kMultiChoice:
      return {"Välj ett av alternativen för {label}", "Choose one of the options for {label}",
              "Velg et av alternativene for {label}"};
    default:
      return {"Skriv {label} som text", "Enter {label} as text", "Skriv {label} som tekst"};
  }
}

}  // namespace

std::string format_number(double n, Lang lang) {
  char buf[64];
  if (n == std::floor(n) && std::fabs(n) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  } else {
    std::snprintf(buf, sizeof buf, "%.6f", n);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    std::snprintf(buf, sizeof buf, "%s", s.c_str());
  }
  std::string s = buf;
  if (lang != Lang::kEn) {
    for (char& c : s) if (c == '.') c = ',';
  }
  return s;
}

std::string format_bytes(long long bytes, Lang lang) {
  if (bytes >= 1024 * 1024) return format_number(std::round(bytes * 10.0 / (1024 * 1024)) / 10, lang) + " MB";
  if (bytes >= 1024) return format_number(std::round(bytes * 10.0 / 1024) / 10, lang) + " kB";
  return std::to_string(bytes) + (lang == Lang::kEn ? " bytes" : " byte");
}

std::string builtin_message(Problem problem, const MessageArgs& a, Lang lang) {
  const bool choose = a.field_type == FieldType::kChoice || a.field_type == FieldType::kMultiChoice ||
                      a.field_type == FieldType::kYesNo;
  const bool group = a.field_type == FieldType::kGroup;
  Trio t{"", "", ""};
  switch (problem) {
    case Problem::kNone:
    case Problem::kConstraint:
      return "";
    case Problem::kRequired:
      if (choose) t = {"Välj ett svar för {label}", "Choose an answer for {label}", "Velg et svar for {label}"};
      else if (a.field_type == FieldType::kAttachment) t = {"Bifoga en fil till {label}", "Attach a file to {label}", "Legg ved en fil til {label}"};
      else t = {"Fyll i {label}", "Fill in {label}", "Fyll ut {label}"};
      break;
    case Problem::kFormat:
    case Problem::kOption:
      t = format_message(a.field_type);
      break;
    case Problem::kDecimals:
      if (a.max == "0") t = {"{label} ska vara ett heltal", "{label} must be a whole number", "{label} må være et heltall"};
      else if (a.max == "1") t = {"{label} får ha högst 1 decimal", "{label} can have at most 1 decimal place", "{label} kan ha høyst 1 desimal"};
      else t = {"{label} får ha högst {max} decimaler", "{label} can have at most {max} decimal places", "{label} kan ha høyst {max} desimaler"};
      break;
    case Problem::kMin:
      t = {"{label} ska vara {min} eller mer", "{label} must be {min} or more", "{label} må være {min} eller mer"};
      break;
    case Problem::kMax:
      t = {"{label} ska vara {max} eller mindre", "{label} must be {max} or less", "{label} må være {max} eller mindre"};
      break;
    case Problem::kMinDate:
      t = {"{label} ska vara {min} eller senare", "{label} must be {min} or later", "{label} må være {min} eller senere"};
      break;
    case Problem::kMaxDate:
      t = {"{label} ska vara {max} eller tidigare", "{label} must be {max} or earlier", "{label} må være {max} eller tidligere"};
      break;
    case Problem::kMinLength:
      if (a.min == "1") t = {"{label} ska ha minst 1 tecken", "{label} must be 1 character or more", "{label} må ha minst 1 tegn"};
      else t = {"{label} ska ha minst {min} tecken", "{label} must be {min} characters or more", "{label} må ha minst {min} tegn"};
      break;
    case Problem::kMaxLength:
      t = {"{label} får ha högst {max} tecken", "{label} must be {max} characters or fewer", "{label} kan ha høyst {max} tegn"};
      break;
    case Problem::kPattern:
      t = {"{label} har inte rätt format: kontrollera vad du skrev", "{label} is not in the right format: check what you entered",
           "{label} har ikke riktig format: kontroller det du skrev"};
      break;
    case Problem::kMinItems:
      if (group) t = {"Lägg till minst {min} i {label}", "Add at least {min} to {label}", "Legg til minst {min} i {label}"};
      else t = {"Välj minst {min} för {label}", "Choose at least {min} for {label}", "Velg minst {min} for {label}"};
      break;
    case Problem::kMaxItems:
      if (group) t = {"Ta bort så att {label} har högst {max}", "Remove some so that {label} has at most {max}", "Fjern noen så {label} har høyst {max}"};
      else t = {"Välj högst {max} för {label}", "Choose at most {max} for {label}", "Velg høyst {max} for {label}"};
      break;
    case Problem::kMaxFiles:
      if (a.max == "1") t = {"Bifoga bara 1 fil till {label}", "Attach only 1 file to {label}", "Legg ved bare 1 fil til {label}"};
      else t = {"Bifoga högst {max} filer till {label}", "Attach at most {max} files to {label}", "Legg ved høyst {max} filer til {label}"};
      break;
    case Problem::kFileType:
      t = {"Filen till {label} ska vara av typen {max}", "The file for {label} must be of type {max}", "Filen til {label} må være av typen {max}"};
      break;
    case Problem::kFileSize:
      t = {"Filen till {label} får vara högst {max}", "The file for {label} must be {max} or smaller", "Filen til {label} kan være høyst {max}"};
      break;
  }
  return fill(pick(t, lang), a, lang);
}

}  // namespace blankett
