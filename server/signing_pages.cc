// The signer's pages (signing_pages.h). Index:
//   [SECTION] Pages the signer sees
//   [SECTION] GET /sign/{token}, POST /sign/{token}/identify, POST /sign/{token}
// The caseworker's reminder and deadline are in inbox_signers_section.cc.
//
// A signing link is a bearer token only until the signer identifies: it leads to a page
// that says an application is waiting, and nothing more. The application itself is shown
// only to the person the form named (the personal number the link was issued for), and
// the signature is recorded only with that identity, in one transaction with everything
// it changes (signature_store.h).
#include "signing_pages.h"

#include <httplib.h>

#include "audit_log.h"
#include "clock.h"
#include "completion_store.h"
#include "html_page.h"
#include "identity.h"
#include "inbox_internal.h"
#include "request_store.h"
#include "signature_store.h"
#include "web_auth.h"

namespace blankett {

namespace {

using nlohmann::json;

//----------------------------------------------------------------------------------------
// [SECTION] Pages the signer sees
//----------------------------------------------------------------------------------------

// Signer pages have no signed-in user. The language switch stays on the link's page
// (which, after signing, says it is signed); without a known link it leads to the start.
void send_signer_page(const httplib::Request& req, httplib::Response& res, int status, const std::string& title,
                      const std::string& body, const std::string& token) {
  const std::string lang = page_lang(req);
  send_page(req, res, status, PageFrame{lang, title, nullptr, token.empty() ? std::string("/") : "/sign/" + token}, body);
}

// A page with a heading and paragraphs of plain text.
void send_message(const httplib::Request& req, httplib::Response& res, int status, const std::string& token, const char* title_sv,
                  const char* title_en, const std::vector<std::pair<const char*, const char*>>& paragraphs) {
  const std::string lang = page_lang(req);
  const std::string title = tr(lang, title_sv, title_en);
  std::string body = "<h1>" + html_escape(title) + "</h1>";
  for (const auto& [sv, en] : paragraphs) body += "<p>" + html_escape(tr(lang, sv, en)) + "</p>";
  send_signer_page(req, res, status, title, body, token);
}

// The same answer for a link that never existed, was mistyped, or was replaced by a
// reminder's new link: nothing tells a guesser which.
void send_unknown_link(const httplib::Request& req, httplib::Response& res) {
  send_message(req, res, 404, "", "Länken fungerar inte", "The link does not work",
               {{"Kontrollera att du har fått med hela länken från e-postmeddelandet.",
                 "Check that you copied the whole link from the e-mail."},
                {"Om du har fått en påminnelse gäller bara länken i den senaste.",
                 "If you received a reminder, only the link in the latest one works."}});
}

void send_expired(const httplib::Request& req, httplib::Response& res, const std::string& token) {
  send_message(req, res, 410, token, "Länken har slutat gälla", "The link has expired",
               {{"Tiden för att skriva under med den här länken har gått ut. Inget har skrivits under.",
                 "The time to sign with this link has run out. Nothing has been signed."},
                {"Kontakta kommunen om du vill få en ny länk.", "Contact the municipality if you want a new link."}});
}

void send_closed(const httplib::Request& req, httplib::Response& res, const std::string& token) {
  send_message(req, res, 410, token, "Ansökan väntar inte längre på underskrifter",
               "The application no longer waits for signatures",
               {{"Ansökan har avslutats av kommunen och kan inte skrivas under.",
                 "The municipality has closed the application, and it cannot be signed."}});
}

void send_already_signed(const httplib::Request& req, httplib::Response& res, int status, const std::string& token) {
  send_message(req, res, status, token, "Ansökan är redan underskriven", "The application is already signed",
               {{"Underskriften för den här länken har tagits emot. Du behöver inte göra något mer.",
                 "The signature for this link has been received. You do not need to do anything more."}});
}

void send_unavailable(const httplib::Request& req, httplib::Response& res, const std::string& token) {
  send_message(req, res, 503, token, "Tjänsten är inte tillgänglig", "Service unavailable",
               {{"Ansökan kan inte visas just nu. Försök igen om en stund.", "The application cannot be shown right now. Try again in a moment."}});
}

void send_wrong_person(const httplib::Request& req, httplib::Response& res, const std::string& token) {
  send_message(req, res, 403, token, "Länken är till någon annan", "This link is for someone else",
               {{"Du har identifierat dig som en annan person än den som ombeds skriva under. Inget har skrivits under.",
                 "You identified yourself as someone other than the person asked to sign. Nothing has been signed."}});
}

// Not identified (or no longer): what waits, and the way to identify.
void send_identify_page(const httplib::Request& req, httplib::Response& res, int status, const std::string& token,
                        const char* note_sv = nullptr, const char* note_en = nullptr) {
  const std::string lang = page_lang(req);
  const std::string title = tr(lang, "En ansökan väntar på din underskrift", "An application is waiting for your signature");
  std::string body = "<h1>" + html_escape(title) + "</h1>";
  if (note_sv != nullptr) {
    body += std::string("<div class=\"warning-text\" role=\"alert\"><p>") + html_escape(tr(lang, note_sv, note_en)) + "</p></div>";
  }
  body += std::string("<p>") +
          tr(lang, "Legitimera dig för att se ansökan och skriva under den. Du ser exakt vad som har skickats in innan du skriver under.",
             "Identify yourself to see the application and sign it. You will see exactly what was submitted before you sign.") +
          "</p>";
  body += "<form method=\"post\" action=\"/sign/" + html_escape(token) + "/identify\"><button type=\"submit\" class=\"button\">" +
          tr(lang, "Legitimera dig", "Identify yourself") + "</button></form>";
  send_signer_page(req, res, status, title, body, token);
}

// The identified signer's page: exactly what was submitted, as the engine renders it from
// the canonical submission, and the form that signs it.
void send_sign_page(AppContext& app, const httplib::Request& req, httplib::Response& res, Store& store, const SigningLink& link,
                    const VerifiedIdentity& who, const std::string& token) {
  const std::string lang = page_lang(req);
  CaseSummary c;
  c.seq = link.request.seq;
  c.form_id = link.form_id;
  c.reference = link.reference;
  Result<CaseDocument> loaded = load_case_document(app, store, c, lang);
  if (!loaded.ok()) return send_unavailable(req, res, token);
  const CaseDocument& doc = loaded.value();
  // The signature binds the stored hash: stored bytes that no longer match it are not
  // offered for signing.
  if (!doc.receipt_check.verified) return send_unavailable(req, res, token);

  const std::string title = tr(lang, "Skriv under ansökan", "Sign the application");
  std::string body = "<span class=\"caption\">" + html_escape(form_title(app, link.form_id, lang)) + "</span><h1>" +
                     html_escape(title) + "</h1>";
  body += "<dl class=\"facts\">";
  auto fact = [&body](const char* label, const std::string& value_html) {
    body += std::string("<div class=\"facts__item\"><dt>") + label + "</dt><dd>" + value_html + "</dd></div>";
  };
  fact(tr(lang, "Ärendenummer", "Reference"), html_escape(link.reference));
  fact(tr(lang, "Inskickad", "Submitted"), time_html(doc.submission.received_at));
  fact(tr(lang, "Du skriver under som", "You sign as"), html_escape(signer_title_text(link.request.title, lang, link.request.signer_id)));
  std::string identity = who.personal_number.empty() ? std::string(tr(lang, "identifierad", "identified")) : who.personal_number;
  if (!who.name.empty()) identity = who.name + " (" + identity + ")";
  fact(tr(lang, "Identifierad som", "Identified as"), html_escape(identity));
  body += "</dl>";
  body += std::string("<p>") +
          tr(lang, "Läs igenom ansökan nedan. Den visas exakt som den skickades in.",
             "Read the application below. It is shown exactly as it was submitted.") +
          "</p>";
  body += std::string("<h2>") + tr(lang, "Ansökan", "The application") + "</h2>";
  body += answers_html(doc, lang, 3);
  body += std::string("<h3>") + tr(lang, "Bilagor", "Attachments") + "</h3>" + attachments_html(doc, lang, "/sign/" + url_encode(token) + "/attachments/");
  body += std::string("<h2 id=\"sign-heading\">") + tr(lang, "Skriv under", "Sign") + "</h2>";
  body += std::string("<p>") +
          tr(lang, "När du skriver under sparas din identitet, tidpunkten och en kontrollsumma (SHA-256) av exakt de här svaren. "
                   "Du får ett kvitto på din underskrift.",
             "When you sign, your identity, the time and a checksum (SHA-256) of exactly these answers are recorded. "
             "You get a receipt for your signature.") +
          "</p><p>" + tr(lang, "Kontrollsumma: ", "Checksum: ") + "<code class=\"hash\">" +
          html_escape(doc.submission.submission_sha256) + "</code></p>";
  body += "<form method=\"post\" action=\"/sign/" + html_escape(token) +
          "\"><input type=\"hidden\" name=\"identity_csrf\" value=\"" + html_escape(who.csrf_token) +
          "\"><button type=\"submit\" class=\"button\">" + tr(lang, "Skriv under ansökan", "Sign the application") +
          "</button></form>";
  send_signer_page(req, res, 200, title, body, token);
}

// After signing: what was signed, when, and the receipt to keep.
void send_receipt_page(AppContext& app, const httplib::Request& req, httplib::Response& res, const SigningLink& link,
                       const SignatureDone& done, const std::string& token) {
  const std::string lang = page_lang(req);
  const std::string title = tr(lang, "Ansökan är underskriven", "The application is signed");
  std::string body = std::string("<div class=\"notification notification--success\" role=\"status\"><h1>") + html_escape(title) +
                     "</h1><p>" + tr(lang, "Tack! Din underskrift har tagits emot.", "Thank you! Your signature has been received.") +
                     "</p></div>";
  body += "<dl class=\"facts\">";
  auto fact = [&body](const char* label, const std::string& value_html) {
    body += std::string("<div class=\"facts__item\"><dt>") + label + "</dt><dd>" + value_html + "</dd></div>";
  };
  fact(tr(lang, "Ärendenummer", "Reference"), html_escape(done.reference));
  fact(tr(lang, "Blankett", "Form"), html_escape(form_title(app, link.form_id, lang)));
  fact(tr(lang, "Underskriven", "Signed"), time_html(done.signed_at));
  fact(tr(lang, "Underskriven som", "Signed as"), html_escape(signer_title_text(link.request.title, lang, link.request.signer_id)));
  fact(tr(lang, "Ansökans SHA-256", "SHA-256 of the application"), "<code class=\"hash\">" + html_escape(done.submission_sha256) + "</code>");
  fact(tr(lang, "Nyckel", "Key id"), "<code>" + html_escape(done.receipt.value("key_id", "")) + "</code>");
  body += "</dl>";
  if (done.case_complete) {
    body += std::string("<p>") +
            tr(lang, "Alla har nu skrivit under. Ansökan går vidare till handläggning.",
               "Everyone has now signed. The application goes on to be handled.") +
            "</p>";
  }
  body += std::string("<h2>") + tr(lang, "Spara ditt kvitto", "Save your receipt") + "</h2><p>" +
          tr(lang, "Kvittot är signerat av kommunen. Med det och kommunens publika nyckel kan vem som helst kontrollera att du "
                   "skrev under just den här ansökan och när (till exempel med blankett verify).",
             "The receipt is signed by the municipality. With it and the municipality's public key, anyone can check that you "
             "signed exactly this application, and when (for example with blankett verify).") +
          "</p>";
  // A data: URL with `download` saves the file without another request (and without a
  // second way to fetch the receipt by the link); the CSP governs loads, not downloads.
  const std::string text = done.receipt.dump(2);
  const std::string file = "underskrift-" + done.reference + "-" + link.request.signer_id + ".json";
  body += "<p><a class=\"button\" download=\"" + html_escape(file) + "\" href=\"data:application/json;charset=utf-8," +
          html_escape(url_encode(text)) + "\">" + tr(lang, "Ladda ned kvittot (JSON)", "Download the receipt (JSON)") + "</a></p>";
  body += std::string("<details><summary>") + tr(lang, "Visa kvittot", "Show the receipt") + "</summary><pre class=\"raw-answers\">" +
          html_escape(text) + "</pre></details>";
  send_signer_page(req, res, 200, title, body, token);
}

//----------------------------------------------------------------------------------------
// [SECTION] GET /sign/{token}, POST /sign/{token}/identify, POST /sign/{token}
//----------------------------------------------------------------------------------------

// The link's request, or the page that answers instead (404 / 503) and nullopt.
std::optional<SigningLink> link_for(const httplib::Request& req, httplib::Response& res, Store** store, const std::string& token,
                                    AppContext& app) {
  if (!plausible_signing_token(token)) {
    send_unknown_link(req, res);
    return std::nullopt;
  }
  Result<Store*> opened = request_store(app.database_path);
  if (!opened.ok()) {
    send_unavailable(req, res, token);
    return std::nullopt;
  }
  *store = opened.value();
  Result<std::optional<SigningLink>> found = find_signing_link(**store, signing_token_key(token));
  if (!found.ok()) {
    send_unavailable(req, res, token);
    return std::nullopt;
  }
  if (!found.value()) {
    send_unknown_link(req, res);
    return std::nullopt;
  }
  return std::move(*found.value());
}

// Answers for every state but open; true when the link may be used now.
bool link_open(const httplib::Request& req, httplib::Response& res, const SigningLink& link, const std::string& token, bool posting) {
  switch (signing_link_state(link, utc_now())) {
    case LinkState::open: return true;
    case LinkState::done: send_already_signed(req, res, posting ? 409 : 200, token); return false;
    case LinkState::expired: send_expired(req, res, token); return false;
    case LinkState::closed: send_closed(req, res, token); return false;
  }
  return false;
}

bool is_for(const SigningLink& link, const VerifiedIdentity& who) {
  return link.request.expected_number.empty() || who.personal_number == link.request.expected_number;
}

// The open link of `token` and the identity of the person it asks to sign. nullopt when
// the answer has been sent: an unknown or closed link, no identification yet (the
// identify page with `unidentified_status`), or someone else (without saying whom the
// link is for).
struct IdentifiedSigner {
  Store* store = nullptr;
  SigningLink link;
  VerifiedIdentity who;
};
std::optional<IdentifiedSigner> identified_signer(AppContext& app, const httplib::Request& req, httplib::Response& res,
                                                  const std::string& token, int unidentified_status) {
  IdentifiedSigner s;
  std::optional<SigningLink> link = link_for(req, res, &s.store, token, app);
  if (!link || !link_open(req, res, *link, token, false)) return std::nullopt;
  Result<std::optional<VerifiedIdentity>> who = identified_for(app, *s.store, req, IdentityPurpose::sign, signing_token_key(token));
  if (!who.ok()) {
    send_unavailable(req, res, token);
    return std::nullopt;
  }
  if (!who.value()) {
    send_identify_page(req, res, unidentified_status, token);
    return std::nullopt;
  }
  if (!is_for(*link, *who.value())) {
    send_wrong_person(req, res, token);
    return std::nullopt;
  }
  s.link = std::move(*link);
  s.who = std::move(*who.value());
  return s;
}

void sign_page(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.matches[1].str();
  std::optional<IdentifiedSigner> s = identified_signer(app, req, res, token, 200);
  if (s) send_sign_page(app, req, res, *s->store, s->link, s->who, token);
}

// A file of the application, for the identified signer it asks: what is signed includes
// the attachments' hashes, so the signer must be able to read them. Only a file of this
// link's case; each download is in the audit log as the signer's (case.attachment).
void attachment_download(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.matches[1].str();
  std::optional<IdentifiedSigner> s = identified_signer(app, req, res, token, 403);
  if (!s) return;
  Store* store = s->store;
  const SigningLink* link = &s->link;
  const std::string sha256 = req.matches[2].str();
  Result<std::optional<SubmissionAttachment>> found = find_case_attachment(*store, link->request.seq, sha256);
  if (!found.ok()) return send_unavailable(req, res, token);
  if (!found.value()) return send_unknown_link(req, res);
  Result<std::optional<Attachment>> file = get_attachment(*store, sha256);
  if (!file.ok()) return send_unavailable(req, res, token);
  if (!file.value()) return send_unknown_link(req, res);
  AuditEntry entry;
  entry.actor = "signer:" + std::to_string(link->request.id);
  entry.action = "case.attachment";
  entry.target = "case:" + link->reference;
  entry.detail = {{"sha256", sha256}};
  if (!append_audit(*store, std::move(entry)).ok()) return send_unavailable(req, res, token);
  send_attachment_download(res, std::move(*file.value()), found.value()->name);
}

void identify(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.matches[1].str();
  Store* store = nullptr;
  std::optional<SigningLink> link = link_for(req, res, &store, token, app);
  if (!link || !link_open(req, res, *link, token, true)) return;
  begin_identification(app, req, res, IdentityPurpose::sign, signing_token_key(token), "/sign/" + token);
}

void sign(AppContext& app, const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.matches[1].str();
  Store* store = nullptr;
  std::optional<SigningLink> link = link_for(req, res, &store, token, app);
  if (!link || !link_open(req, res, *link, token, true)) return;
  const std::string target = signing_token_key(token);
  Result<std::optional<VerifiedIdentity>> who = identified_for(app, *store, req, IdentityPurpose::sign, target);
  if (!who.ok()) return send_unavailable(req, res, token);
  if (!who.value()) {
    return send_identify_page(req, res, 403, token, "Din identifiering har gått ut eller saknas. Legitimera dig igen.",
                              "Your identification has expired or is missing. Identify yourself again.");
  }
  const VerifiedIdentity& id = *who.value();
  // The per-flow token: another site cannot make this browser sign.
  if (!check_identity_csrf(req, id)) {
    return send_identify_page(req, res, 403, token, "Formuläret kunde inte kontrolleras. Legitimera dig igen.",
                              "The form could not be checked. Identify yourself again.");
  }
  if (!is_for(*link, id)) return send_wrong_person(req, res, token);
  Result<SignatureDone> done = record_signature(*store, app.keys, target, SignerIdentity{id.provider, id.subject, id.personal_number},
                                                utc_now(), [store, &id]() -> Result<bool> {
                                                  // In the same transaction: the flow signs once.
                                                  Result<bool> ended = end_identification(*store, id.flow_id);
                                                  if (!ended) return ended.errors();
                                                  if (!ended.value()) {
                                                    return Errors{Error{"identity.ended", "", 0, 0, "the identification was used already"}};
                                                  }
                                                  return true;
                                                });
  if (done.ok()) return send_receipt_page(app, req, res, *link, done.value(), token);
  const std::string& code = done.errors().front().code;
  if (code == "signature.already_signed") return send_already_signed(req, res, 409, token);
  if (code == "signature.expired") return send_expired(req, res, token);
  if (code == "signature.closed") return send_closed(req, res, token);
  if (code == "signature.wrong_person") return send_wrong_person(req, res, token);
  if (code == "signature.not_found") return send_unknown_link(req, res);
  if (code == "identity.ended") {
    return send_identify_page(req, res, 403, token, "Din identifiering har redan använts. Legitimera dig igen.",
                              "Your identification has already been used. Identify yourself again.");
  }
  send_unavailable(req, res, token);
}

}  // namespace

void register_signing_routes(httplib::Server& http, AppContext& app) {
  // Any path segment: a malformed token gets the same 404 page as an unknown one.
  http.Get(R"(/sign/([^/]+))", [&app](const httplib::Request& req, httplib::Response& res) { sign_page(app, req, res); });
  http.Get(R"(/sign/([^/]+)/attachments/([0-9a-f]{64}))",
           [&app](const httplib::Request& req, httplib::Response& res) { attachment_download(app, req, res); });
  http.Post(R"(/sign/([^/]+)/identify)", [&app](const httplib::Request& req, httplib::Response& res) { identify(app, req, res); });
  http.Post(R"(/sign/([^/]+))", [&app](const httplib::Request& req, httplib::Response& res) { sign(app, req, res); });
  register_signer_action_routes(http, app);
}

}  // namespace blankett
