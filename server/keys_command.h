// `blankett keys list|rotate [--data ./data]`: the server's signing keys for an
// administrator. Rotation creates a new key and makes it the one that signs; old keys stay
// so every receipt they signed still verifies (docs/receipts.md). A running server keeps
// signing with the key it loaded: restart it after rotating.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace blankett {

// The text `blankett keys --help` prints.
extern const char kKeysUsage[];

// Exit 0 on success, 1 when the keys cannot be read or written (or, for list, when the
// data directory has no keys: list never creates any), 2 on usage errors.
int keys_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace blankett
