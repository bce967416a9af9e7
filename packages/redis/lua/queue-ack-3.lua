-- Acknowledges `used` more items of a delivery (they reached the caller's code); with giveBack = 1, the rest go back to
-- the head. A JoinableQueue keeps the used items in taken:<client> until taskDone(), and who took each, oldest first,
-- in `takenorder` (a taskDone() from a process that took nothing marks the oldest taken item done).
-- KEYS: meta, items, waiters. ARGV: channel prefix, client, ticket, used, giveBack (0/1).
--@include now
--@include waiters
--@include framing
--@include queue-delivery
local meta, itemsKey, waitersKey = KEYS[1], KEYS[2], KEYS[3]
local client, ticket, used = ARGV[2], ARGV[3], tonumber(ARGV[4])
local base = queueBase(meta)
local key = base .. 'd:' .. client .. ':' .. ticket
if used > 0 then
  if redis.call('HGET', meta, 'joinable') == '1' then
    local takenKey = base .. 'taken:' .. client
    for _ = 1, used do
      if redis.call('LMOVE', key, takenKey, 'LEFT', 'RIGHT') then redis.call('RPUSH', base .. 'takenorder', client) end
    end
  else
    redis.call('LPOP', key, used)
  end
end
if ARGV[5] == '1' then
  giveBackDelivery(base, itemsKey, client, ticket)
  queueHandOff(base, itemsKey, waitersKey, ARGV[1])
elseif redis.call('EXISTS', key) == 0 then
  redis.call('SREM', base .. 'dl:' .. client, ticket)
end
return 'ok'
