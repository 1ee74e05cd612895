-- wrk script for bench/handover_load.py: every request is a new hand-over, sent as the courier
-- app's outbox sends it (multipart: attempt JSON, signature PNG, photo JPEG; session cookie and
-- X-CSRFToken), with a fresh client UUID, to a shipment no other request uses.
--
-- Arguments (after `--`): the folder with thread-<n>.bin and photo.jpg, the offset of the three
-- photo bytes varied per request (last entries of the first quantisation table, so every photo
-- is a different, valid JPEG), a random seed, and the request path.
--
-- thread-<n>.bin holds this thread's records, each a line
--   cookie \t csrf \t shipment_id \t photo_variant \t signature_length \n
-- followed by that many bytes of signature PNG (each one different too).

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function slurp(path)
  local file = assert(io.open(path, "rb"))
  local data = file:read("*a")
  file:close()
  return data
end

local records, photo_head, photo_tail, path
local ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
local USER_AGENT = "courier-bench/1"

function init(args)
  local folder, offset, seed = args[1], tonumber(args[2]), tonumber(args[3])
  path = args[4] or "/api/v1/courier/attempts"
  records = {}
  local data, position = slurp(folder .. "/thread-" .. id .. ".bin"), 1
  while position <= #data do
    local newline = data:find("\n", position, true)
    local cookie, csrf, shipment, variant, length =
      data:sub(position, newline - 1):match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(%d+)\t(%d+)$")
    length = tonumber(length)
    records[#records + 1] = { cookie = cookie, csrf = csrf, shipment = shipment,
                              variant = tonumber(variant), signature = data:sub(newline + 1, newline + length) }
    position = newline + length + 1
  end
  local photo = slurp(folder .. "/photo.jpg")
  photo_head, photo_tail = photo:sub(1, offset), photo:sub(offset + 4)
  math.randomseed(seed + 7919 * id)
  used, bad, exhausted, first_bad = 0, 0, 0, ""
end

local function hex16()
  return string.format("%04x", math.random(0, 0xffff))
end

local function uuid4()
  return hex16() .. hex16() .. "-" .. hex16() .. "-4" .. hex16():sub(2) .. "-" ..
    string.format("%x", 8 + math.random(0, 3)) .. hex16():sub(2) .. "-" .. hex16() .. hex16() .. hex16()
end

local function photo_variant(n)
  -- Quantisation entries must be 1..255; three of them give 16 million different files.
  return photo_head .. string.char(1 + n % 255, 1 + math.floor(n / 255) % 255,
                                   1 + math.floor(n / 65025) % 255) .. photo_tail
end

function request()
  used = used + 1
  local record = records[used]
  if record == nil then
    -- Never send a shipment twice: a second hand-over of it would take the cheaper "flagged" path.
    exhausted = exhausted + 1
    wrk.thread:stop()
    return wrk.format("GET", "/exhausted")
  end
  local attempt = '{"client_id":"' .. uuid4() .. '","shipment_id":"' .. record.shipment ..
    '","outcome":"delivered","captured_at":"' .. os.date("!%Y-%m-%dT%H:%M:%S.000Z") ..
    '","location":{"latitude":15.5731,"longitude":108.4745,"accuracy_m":12.5},' ..
    '"recipient":{"name":"Trần Thị Bích Ngọc","relationship":"applicant","authorised_relationship":null,' ..
    '"id_tail_masked":"********1234","id_check":"matched","override_reason":null},' ..
    '"fees":{"agency":200000,"postage":25000,"method":"cash"},"consent_version":"2026-11"}'
  -- A new boundary each time, as browsers make it (----WebKitFormBoundary + 16 random characters).
  local random = {}
  for i = 1, 16 do
    local n = math.random(1, #ALPHABET)
    random[i] = ALPHABET:sub(n, n)
  end
  local boundary = "----WebKitFormBoundary" .. table.concat(random)
  local body = "--" .. boundary .. '\r\nContent-Disposition: form-data; name="attempt"\r\n\r\n' .. attempt ..
    "\r\n--" .. boundary ..
    '\r\nContent-Disposition: form-data; name="signature"; filename="signature.png"\r\n' ..
    "Content-Type: image/png\r\n\r\n" .. record.signature ..
    "\r\n--" .. boundary .. '\r\nContent-Disposition: form-data; name="photo"; filename="photo.jpg"\r\n' ..
    "Content-Type: image/jpeg\r\n\r\n" .. photo_variant(record.variant) .. "\r\n--" .. boundary .. "--\r\n"
  return wrk.format("POST", path, {
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    ["Cookie"] = "session=" .. record.cookie,
    ["X-CSRFToken"] = record.csrf,
    ["Accept"] = "application/json",
    ["User-Agent"] = USER_AGENT,
  }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. (body or ""):sub(1, 300) end
  end
end

function done(summary, latency, requests)
  local used_list, bad_total, exhausted_total, sample = {}, 0, 0, ""
  for index, thread in ipairs(threads) do
    used_list[index] = tostring(thread:get("used"))
    bad_total = bad_total + thread:get("bad")
    exhausted_total = exhausted_total + thread:get("exhausted")
    if sample == "" then sample = thread:get("first_bad") or "" end
  end
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"non_201":%d,"exhausted":%d,"p50_us":%d,"p95_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"socket_errors":%d,"timeouts":%d,"used":[%s]}\n',
    summary.requests, summary.duration, bad_total, exhausted_total, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max,
    errors.connect + errors.read + errors.write, errors.timeout, table.concat(used_list, ",")))
  io.write("SAMPLE " .. sample:gsub("\n", " ") .. "\n")
end
