// What a file is by its bytes, not its name: attachments are checked against the type
// the answers declare, so "cv.pdf" that is really an executable is refused.
#pragma once
#include <string>
#include <string_view>

namespace blankett {

// "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", or
// "application/octet-stream" when the bytes are none of those.
std::string sniff_media_type(std::string_view bytes);

}  // namespace blankett
