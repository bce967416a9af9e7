-- Takes up to max items from the head, recorded under the caller's ticket until acknowledged; or, when there are none,
-- enters the caller in the waiters (mode 'wait') to be handed items as they come.
-- KEYS: meta, items, waiters. ARGV: channel prefix, client, ticket, max, mode ('wait' | 'nowait'), timeout ms (-1: none).
-- Returns the items, 'closed' (closed and drained), 'empty' (nowait), 'wait' or 'gone' (the server lost the queue).
--@include now
--@include waiters
--@include framing
--@include queue-delivery
local meta, itemsKey, waitersKey = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', meta) == 0 then return 'gone' end
local client, ticket = ARGV[2], ARGV[3]
local before = redis.call('LLEN', itemsKey)
if before > 0 then
  local items = redis.call('LPOP', itemsKey, tonumber(ARGV[4]))
  local base = queueBase(meta)
  deliver(base, client, ticket, items)
  local maxsize = tonumber(redis.call('HGET', meta, 'maxsize'))
  if maxsize > 0 and before >= maxsize then redis.call('PUBLISH', base .. 'wake', 'room') end
  return items
end
if redis.call('HGET', meta, 'closed') == '1' then return 'closed' end
if ARGV[5] == 'nowait' then return 'empty' end
redis.call('RPUSH', waitersKey, waiterEntry(client, ticket, ARGV[4], ARGV[6]))
redis.call('SADD', queueBase(meta) .. 'clients', client)
return 'wait'
