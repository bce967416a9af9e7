-- A process died (or closed): its Condition waits end. KEYS: meta, waiters. ARGV: channel prefix, client.
--@include now
--@include waiters
local base = string.sub(KEYS[1], 1, -5)
dropWaitersOf(KEYS[2], ARGV[2])
for _, field in ipairs(redis.call('HKEYS', base .. 'notified')) do
  if string.sub(field, 1, #ARGV[2] + 1) == ARGV[2] .. '|' then redis.call('HDEL', base .. 'notified', field) end
end
redis.call('SREM', base .. 'clients', ARGV[2])
return 0
