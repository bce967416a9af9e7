-- JoinableQueue: one taken item is done: the caller's oldest, or, when the caller took none (another process marks
-- items done), the oldest item any process took, so the taker's later death cannot bring it back.
-- KEYS: meta, items, waiters. ARGV: client. Returns the number of unfinished items left, or 'too-many'.
local meta = KEYS[1]
local unfinished = tonumber(redis.call('HGET', meta, 'unfinished'))
if unfinished <= 0 then return 'too-many' end
local base = string.sub(meta, 1, -5)
if redis.call('LPOP', base .. 'taken:' .. ARGV[1]) then
  redis.call('LREM', base .. 'takenorder', 1, ARGV[1])
else
  local taker = redis.call('LPOP', base .. 'takenorder')
  if taker then redis.call('LPOP', base .. 'taken:' .. taker) end
end
unfinished = redis.call('HINCRBY', meta, 'unfinished', -1)
if unfinished == 0 then redis.call('PUBLISH', base .. 'wake', 'joined') end
return unfinished
