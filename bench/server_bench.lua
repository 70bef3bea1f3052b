-- wrk script for the server benchmark (bench/server_bench.sh; run by scripts/bench server).
--
--   wrk -t2 -c64 -d10s -s bench/server_bench.lua http://127.0.0.1:PORT -- TEMPLATE RUN_ID
--
-- TEMPLATE is a file holding one valid skolskjuts submission body whose pupil name is the
-- placeholder @PUPIL@. Every request gets a distinct pupil name ("Elev <thread> <n>") and
-- a new Idempotency-Key, so the server stores each one as a new submission. The keys are
-- what the citizen app sends (web/js/idempotency-key.js): UUIDs of version 7, the time in
-- milliseconds and then random bits (seeded from RUN_ID and the thread). Random keys
-- (version 4) cost the server ~5% here (docs/performance.md). response() counts statuses (only 201 is an accepted
-- submission); done() prints one JSON line to stdout:
--   {"requests":…,"duration_s":…,"accepted":…,"statuses":{"201":…},"errors":{…},
--    "p50_us":…,"p90_us":…,"p99_us":…,"max_us":…}
-- Latencies are wrk's, over every completed request, in microseconds.

local ffi = require("ffi")  -- wrk runs LuaJIT; os.time() has only seconds
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } blankett_bench_timeval;
int gettimeofday(blankett_bench_timeval *tv, void *tz);
]]
local timeval = ffi.new("blankett_bench_timeval")

local path = "/api/forms/skolskjuts/submissions"
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  local template_file = args[1]
  run_id = args[2] or tostring(os.time())
  local seed = os.time() + thread_id * 7919  -- each wrk thread its own random keys
  for i = 1, #run_id do seed = (seed * 31 + run_id:byte(i)) % 2147483647 end
  math.randomseed(seed)
  local f = assert(io.open(template_file, "rb"), "cannot open the body template " .. tostring(template_file))
  local template = f:read("*a")
  f:close()
  local at = template:find("@PUPIL@", 1, true)
  assert(at, "the body template has no @PUPIL@")
  prefix = template:sub(1, at - 1)
  suffix = template:sub(at + #"@PUPIL@")
  counter = 0
  status_counts = {}  -- "201" -> n; read by done() through thread:get
end

-- Like newIdempotencyKey() in web/js/idempotency-key.js.
local function uuid7()
  ffi.C.gettimeofday(timeval, nil)
  local ms = tonumber(timeval.tv_sec) * 1000 + math.floor(tonumber(timeval.tv_usec) / 1000)
  return string.format("%08x-%04x-7%03x-%04x-%04x%04x%04x", math.floor(ms / 65536), ms % 65536, math.random(0, 4095),
                       32768 + math.random(0, 16383), math.random(0, 65535), math.random(0, 65535), math.random(0, 65535))
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = uuid7(),
  }
  local body = prefix .. string.format("Elev %d %d", thread_id, counter) .. suffix
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  local k = tostring(status)
  status_counts[k] = (status_counts[k] or 0) + 1
end

function done(summary, latency, requests)
  local statuses = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("status_counts")
    for k, n in pairs(counts) do statuses[k] = (statuses[k] or 0) + n end
  end
  local parts = {}
  for k, n in pairs(statuses) do table.insert(parts, string.format('"%s":%d', k, n)) end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_s":%.3f,"accepted":%d,"statuses":{%s},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration / 1e6, statuses["201"] or 0, table.concat(parts, ","),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
