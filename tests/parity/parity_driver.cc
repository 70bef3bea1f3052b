// The native half of the WASM/native parity test (runtime/wasm/parity.test.mjs).
//
//   parity_driver FORM.json [COMMANDS.jsonl]     (commands from stdin without a file)
//
// Reads one command per line, a JSON object named after the engine.mjs method it mirrors,
// and writes one line per command: exactly the JSON text the WASM module's binding returns
// for the same call, because both call the same EngineSession (runtime/wasm/engine_session.h).
//
//   {"op": "open", "today": "2026-08-15"}               load FORM.json (a fresh filling)
//   {"op": "open", "today": "…", "form_text": "…"}      load this text instead
//   {"op": "set", "path": "…", "value_json": "…", "lang": "sv"}
//   {"op": "clear" | "addRow", "path" | "group": "…", "lang": "…"}
//   {"op": "removeRow", "group": "…", "row": 0, "lang": "…"}
//   {"op": "view" | "summary" | "errors" | "stepErrors", "lang": "…"}
//   {"op": "field", "path": "…", "lang": "…"}
//   {"op": "next" | "back" | "valid" | "draft" | "submission"}
//   {"op": "goTo", "step": "…"}
//   {"op": "restore", "draft_json": "…"}
//   {"op": "sha256", "text": "…"}                       the hex digest, as a JSON string
//   {"op": "canonicalJson", "text": "…"}                the canonical text, as a JSON string
//   {"op": "runScenario", "form_text": "…", "scenario_text": "…"}
//
// Any text argument may instead be {"hex": "…"}: those bytes exactly, for bytes that are
// not UTF-8 (engine.mjs passes a Uint8Array argument as its bytes).
//
// A command may name a "session" (any string, default ""): each session is a separate
// filling, as separate engine.open() results are in JavaScript.
//
// Booleans are written as `true`/`false`. An exception escaping the engine is written as
// exception_json(what), the engine.exception error the WASM entry points answer with; a
// command this driver cannot read as {"driver_error": what}, so output line N always
// answers input line N.
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "blankett/submission.h"
#include "engine_session.h"

namespace {

using nlohmann::json;

// A text argument: a JSON string, or {"hex": "…"} for any bytes.
std::string str(const json& cmd, const char* key) {
  const auto it = cmd.find(key);
  if (it == cmd.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("hex") && (*it)["hex"].is_string()) {
    const std::string& hex = (*it)["hex"].get_ref<const std::string&>();
    if (hex.size() % 2 != 0 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      throw std::invalid_argument(std::string("\"") + key + "\" has bad hex");
    }
    std::string bytes;
    for (size_t i = 0; i < hex.size(); i += 2) bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return bytes;
  }
  throw std::invalid_argument(std::string("\"") + key + "\" must be a string or {\"hex\": …}");
}

const char* boolean(bool b) { return b ? "true" : "false"; }

// The answer line for one command.
std::string run(blankett::EngineSession& session, const std::string& form_text, const json& cmd) {
  const std::string op = str(cmd, "op");
  const std::string lang = str(cmd, "lang");
  if (op == "open") return session.load(cmd.contains("form_text") ? str(cmd, "form_text") : form_text, str(cmd, "today"));
  if (op == "set") return session.set_answer(str(cmd, "path"), str(cmd, "value_json"), lang);
  if (op == "clear") return session.clear_answer(str(cmd, "path"), lang);
  if (op == "addRow") return session.add_row(str(cmd, "group"), lang);
  if (op == "removeRow") {
    if (!cmd.contains("row") || !cmd["row"].is_number_integer()) throw std::invalid_argument("\"row\" must be an integer");
    return session.remove_row(str(cmd, "group"), cmd["row"].get<int>(), lang);
  }
  if (op == "view") return session.view(lang);
  if (op == "summary") return session.summary(lang);
  if (op == "field") return session.field(str(cmd, "path"), lang);
  if (op == "errors") return session.errors(lang);
  if (op == "stepErrors") return session.step_errors(lang);
  if (op == "next") return boolean(session.next());
  if (op == "back") return boolean(session.back());
  if (op == "goTo") return boolean(session.go_to(str(cmd, "step")));
  if (op == "valid") return boolean(session.valid());
  if (op == "draft") return session.draft();
  if (op == "restore") return session.restore(str(cmd, "draft_json"));
  if (op == "submission") return session.submission();
  if (op == "sha256") return json(blankett::sha256_of(str(cmd, "text"))).dump();
  if (op == "canonicalJson") {
    std::string canonical;
    if (!blankett::canonical_json_text(str(cmd, "text"), &canonical)) return canonical;  // failure_json
    return json(canonical).dump();
  }
  if (op == "runScenario") return blankett::run_scenario_json(str(cmd, "form_text"), str(cmd, "scenario_text"));
  throw std::invalid_argument("unknown op \"" + op + "\"");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: parity_driver FORM.json [COMMANDS.jsonl]\n"
                 "  runs JSON-lines commands (default: stdin) against the engine, one JSON answer per line\n";
    return 2;
  }
  std::ifstream form_file(argv[1], std::ios::binary);
  if (!form_file) {
    std::cerr << "parity_driver: cannot read " << argv[1] << "\n";
    return 2;
  }
  std::stringstream form_buffer;
  form_buffer << form_file.rdbuf();
  const std::string form_text = form_buffer.str();

  std::ifstream command_file;
  if (argc == 3) {
    command_file.open(argv[2], std::ios::binary);
    if (!command_file) {
      std::cerr << "parity_driver: cannot read " << argv[2] << "\n";
      return 2;
    }
  }
  std::istream& in = argc == 3 ? static_cast<std::istream&>(command_file) : std::cin;
  std::ios::sync_with_stdio(false);

  std::map<std::string, blankett::EngineSession> sessions;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string answer;
    const json cmd = json::parse(line, nullptr, false);
    if (cmd.is_discarded() || !cmd.is_object()) {
      answer = json{{"driver_error", "the command is not a JSON object"}}.dump();
    } else {
      try {
        answer = run(sessions[str(cmd, "session")], form_text, cmd);
      } catch (const std::invalid_argument& e) {
        answer = json{{"driver_error", e.what()}}.dump();
      } catch (const std::exception& e) {
        answer = blankett::exception_json(e.what());
      } catch (...) {
        answer = blankett::exception_json("unknown C++ exception");
      }
    }
    std::cout << answer << '\n';
    // Answer promptly when the next command is not already waiting (an interactive peer).
    if (in.rdbuf()->in_avail() <= 0) std::cout.flush();
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}
