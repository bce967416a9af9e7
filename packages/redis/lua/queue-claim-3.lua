-- A waiting getter re-checks (its wake-up may have been lost): its delivery if it was served, 'closed' if the queue
-- was closed (closing empties the waiters), 'wait' while it is still among the waiters, else 'gone' (it was taken
-- for dead and dropped: it enters again). KEYS: meta, items, waiters. ARGV: client, ticket.
--@include waiters
local base = string.sub(KEYS[1], 1, -5)
local key = base .. 'd:' .. ARGV[1] .. ':' .. ARGV[2]
if redis.call('EXISTS', key) == 1 then return redis.call('LRANGE', key, 0, -1) end
if redis.call('HGET', KEYS[1], 'closed') == '1' then return 'closed' end
if findWaiter(KEYS[3], ARGV[1], ARGV[2]) then return 'wait' end
return 'gone'
