-- Milliseconds since the epoch by the server's clock: every deadline is in the server's time, never a client's.
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
