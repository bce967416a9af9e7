-- A process died (or closed): its unfinished and unacknowledged items go back to the head, oldest first, and its
-- waits end. KEYS: meta, items, waiters. ARGV: channel prefix, client. Returns the number of items given back.
--@include now
--@include waiters
--@include framing
--@include queue-delivery
local meta, itemsKey, waitersKey = KEYS[1], KEYS[2], KEYS[3]
local client = ARGV[2]
local base = queueBase(meta)
local back = redis.call('LRANGE', base .. 'taken:' .. client, 0, -1)
local tickets = redis.call('SMEMBERS', base .. 'dl:' .. client)
table.sort(tickets, function(a, b) return tonumber(a) < tonumber(b) end)
for _, ticket in ipairs(tickets) do
  local key = base .. 'd:' .. client .. ':' .. ticket
  for _, item in ipairs(redis.call('LRANGE', key, 0, -1)) do back[#back + 1] = item end
  redis.call('DEL', key)
end
redis.call('DEL', base .. 'taken:' .. client, base .. 'dl:' .. client)
dropWaitersOf(waitersKey, client)
redis.call('SREM', base .. 'clients', client)
requeue(itemsKey, back)
queueHandOff(base, itemsKey, waitersKey, ARGV[1])
return #back
