-- JoinableQueue: one taken item is done. KEYS: meta, items, waiters. ARGV: client.
-- Returns the number of unfinished items left, or 'too-many'.
local meta = KEYS[1]
local unfinished = tonumber(redis.call('HGET', meta, 'unfinished'))
if unfinished <= 0 then return 'too-many' end
local base = string.sub(meta, 1, -5)
redis.call('LPOP', base .. 'taken:' .. ARGV[1])
unfinished = redis.call('HINCRBY', meta, 'unfinished', -1)
if unfinished == 0 then redis.call('PUBLISH', base .. 'wake', 'joined') end
return unfinished
