// The Idempotency-Key of a submission (docs/api.md): made once per submission, sent again
// on every retry of it.
//
// A UUID of version 7 (RFC 9562): the first 48 bits are the time in milliseconds, the
// rest random (crypto.getRandomValues). The server keeps every key in a unique index, and
// keys that grow with time are added at its end, where a random UUID (version 4) would
// cost it a page write of its own per submission (docs/performance.md). Only uniqueness
// matters to the server: the time in the key is not trusted for anything.
export function newIdempotencyKey(nowMs = Date.now()) {
  const b = crypto.getRandomValues(new Uint8Array(16));
  let ms = Math.max(0, Math.floor(nowMs));
  for (let i = 5; i >= 0; i -= 1) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = (b[6] & 0x0f) | 0x70; // version 7
  b[8] = (b[8] & 0x3f) | 0x80; // the RFC's variant
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
