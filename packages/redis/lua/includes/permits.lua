-- Permits of a Lock, RLock, Semaphore or BoundedSemaphore. meta: kind, initial, permits (free now), orphaned
-- (permits freed by a holder's death and not yet re-taken: the next takers are told `ownerDied`). holders: client ->
-- permits it holds (an RLock's depth). grants: "client|ticket" -> 1/2, a permit handed to a waiter that has not
-- taken note of it yet (a lost wake-up is recovered from it; a wait cancelled meanwhile gives it back).

-- Takes one permit for `client`: 1, or 2 when it was freed by a dead holder.
local function grantPermit(meta, holdersKey, client)
  redis.call('HINCRBY', meta, 'permits', -1)
  redis.call('HINCRBY', holdersKey, client, 1)
  redis.call('SADD', string.sub(meta, 1, -5) .. 'clients', client)
  if tonumber(redis.call('HGET', meta, 'orphaned')) > 0 then
    redis.call('HINCRBY', meta, 'orphaned', -1)
    return 2
  end
  return 1
end

-- Free permits go to the waiters, the longest-waiting first.
local function permitsHandOff(meta, waitersKey, holdersKey, grantsKey, channelPrefix)
  while tonumber(redis.call('HGET', meta, 'permits')) > 0 do
    local client, ticket = popWaiter(waitersKey)
    if not client then return end
    local code = grantPermit(meta, holdersKey, client)
    redis.call('HSET', grantsKey, client .. '|' .. ticket, code)
    notifyWaiter(channelPrefix, client, ticket, 'g' .. code)
  end
end

-- One permit `client` holds goes back (none if it holds none); true if it held one.
local function dropHold(holdersKey, client)
  local held = tonumber(redis.call('HGET', holdersKey, client) or '0')
  if held == 0 then return false end
  if held == 1 then redis.call('HDEL', holdersKey, client) else redis.call('HINCRBY', holdersKey, client, -1) end
  return true
end
