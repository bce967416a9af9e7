-- Adds items at the tail (as many as there is room for), then serves waiting getters.
-- KEYS: meta, items, waiters. ARGV: channel prefix, mode ('put' | 'nowait'), item…
-- Returns the number of items added, 'closed', 'full' (nowait) or 'gone' (no such queue: the server lost it).
--@include now
--@include waiters
--@include framing
--@include queue-delivery
local meta, itemsKey, waitersKey = KEYS[1], KEYS[2], KEYS[3]
local state = redis.call('HMGET', meta, 'closed', 'maxsize', 'joinable')
if not state[2] then return 'gone' end
if state[1] == '1' then return 'closed' end
local n = #ARGV - 2
local accept = n
local maxsize = tonumber(state[2])
if maxsize > 0 then
  local room = maxsize - redis.call('LLEN', itemsKey)
  if room < accept then accept = math.max(room, 0) end
  if accept < n and ARGV[2] == 'nowait' then return 'full' end
end
if accept == 0 then return 0 end
redis.call('RPUSH', itemsKey, unpack(ARGV, 3, 2 + accept))
if state[3] == '1' then redis.call('HINCRBY', meta, 'unfinished', accept) end
queueHandOff(queueBase(meta), itemsKey, waitersKey, ARGV[1])
return accept
