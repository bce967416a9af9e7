-- A process died (or closed): the permits it held are freed and marked orphaned (the next takers see ownerDied),
-- and its waits end. KEYS: meta, waiters, holders, grants. ARGV: channel prefix, client. Returns the permits freed.
--@include now
--@include waiters
--@include permits
local meta, waitersKey, holdersKey, grantsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local client = ARGV[2]
local kind = redis.call('HGET', meta, 'kind')
if not kind then return 0 end
dropWaitersOf(waitersKey, client)
for _, field in ipairs(redis.call('HKEYS', grantsKey)) do
  if string.sub(field, 1, #client + 1) == client .. '|' then redis.call('HDEL', grantsKey, field) end
end
redis.call('SREM', string.sub(meta, 1, -5) .. 'clients', client)
local held = tonumber(redis.call('HGET', holdersKey, client) or '0')
if held == 0 then return 0 end
redis.call('HDEL', holdersKey, client)
local freed = held
if kind == 'Lock' or kind == 'RLock' then freed = 1 end
redis.call('HINCRBY', meta, 'permits', freed)
redis.call('HINCRBY', meta, 'orphaned', freed)
permitsHandOff(meta, waitersKey, holdersKey, grantsKey, ARGV[1])
return freed
