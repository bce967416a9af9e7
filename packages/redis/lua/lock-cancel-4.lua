-- An acquirer stopped waiting (timeout, abort): it leaves the waiters; if it was granted the permit meanwhile, the
-- permit goes on to the next waiter (and keeps its ownerDied mark). KEYS: meta, waiters, holders, grants.
-- ARGV: channel prefix, client, ticket.
--@include now
--@include waiters
--@include permits
local meta, waitersKey, holdersKey, grantsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local client, ticket = ARGV[2], ARGV[3]
if removeWaiter(waitersKey, client, ticket) then return 'cancelled' end
local code = redis.call('HGET', grantsKey, client .. '|' .. ticket)
if code then
  redis.call('HDEL', grantsKey, client .. '|' .. ticket)
  dropHold(holdersKey, client)
  redis.call('HINCRBY', meta, 'permits', 1)
  if code == '2' then redis.call('HINCRBY', meta, 'orphaned', 1) end
  permitsHandOff(meta, waitersKey, holdersKey, grantsKey, ARGV[1])
end
return 'cancelled'
