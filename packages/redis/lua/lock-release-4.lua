-- Releases one permit (one level of an RLock) and hands it to the longest-waiting acquirer.
-- KEYS: meta, waiters, holders, grants. ARGV: channel prefix, client.
-- Returns 'ok', 'not-held' (a free Lock; an RLock the caller does not hold), 'over' (BoundedSemaphore) or 'gone'.
--@include now
--@include waiters
--@include permits
local meta, waitersKey, holdersKey, grantsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local client = ARGV[2]
local state = redis.call('HMGET', meta, 'kind', 'permits', 'initial')
local kind, permits, initial = state[1], tonumber(state[2]), tonumber(state[3])
if not kind then return 'gone' end
local held = tonumber(redis.call('HGET', holdersKey, client) or '0')
if kind == 'RLock' then
  if held == 0 then return 'not-held' end
  if held > 1 then
    redis.call('HINCRBY', holdersKey, client, -1)
    return 'ok'
  end
elseif kind == 'Lock' then
  if permits >= 1 then return 'not-held' end
elseif kind == 'BoundedSemaphore' then
  if permits >= initial then return 'over' end
end
-- Any process may release a Lock or a Semaphore (as in Python): it then frees another holder's permit.
if not dropHold(holdersKey, client) then
  local other = redis.call('HKEYS', holdersKey)[1]
  if other then dropHold(holdersKey, other) end
end
redis.call('HINCRBY', meta, 'permits', 1)
permitsHandOff(meta, waitersKey, holdersKey, grantsKey, ARGV[1])
return 'ok'
