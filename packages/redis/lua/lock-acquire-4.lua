-- Takes a permit (or one more level of an RLock the caller holds), or enters the caller in the waiters.
-- KEYS: meta, waiters, holders, grants. ARGV: channel prefix, client, ticket, blocking (0/1), timeout ms (-1: none).
-- Returns 1 (acquired), 2 (acquired, freed by a holder that died), 0 (not blocking and taken), 'wait' or 'gone'.
--@include now
--@include waiters
--@include permits
local meta, waitersKey, holdersKey, grantsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local client = ARGV[2]
local kind = redis.call('HGET', meta, 'kind')
if not kind then return 'gone' end
if kind == 'RLock' and tonumber(redis.call('HGET', holdersKey, client) or '0') > 0 then
  redis.call('HINCRBY', holdersKey, client, 1)
  return 1
end
-- Waiters whose time ran out are dropped first, so a free permit is never kept from the caller by them.
permitsHandOff(meta, waitersKey, holdersKey, grantsKey, ARGV[1])
if tonumber(redis.call('HGET', meta, 'permits')) > 0 and redis.call('LLEN', waitersKey) == 0 then
  return grantPermit(meta, holdersKey, client)
end
if ARGV[4] == '0' then return 0 end
redis.call('RPUSH', waitersKey, waiterEntry(client, ARGV[3], 1, ARGV[5]))
redis.call('SADD', string.sub(meta, 1, -5) .. 'clients', client)
return 'wait'
