-- Closes the queue: puts fail from now on; waiting getters are told (items left can still be taken).
-- KEYS: meta, items, waiters. ARGV: channel prefix.
--@include now
--@include waiters
local meta, waitersKey = KEYS[1], KEYS[3]
if redis.call('HGET', meta, 'closed') == '1' then return 'ok' end
redis.call('HSET', meta, 'closed', 1)
while true do
  local client, ticket = popWaiter(waitersKey)
  if not client then break end
  notifyWaiter(ARGV[1], client, ticket, 'c')
end
redis.call('PUBLISH', string.sub(meta, 1, -5) .. 'wake', 'closed')
return 'ok'
