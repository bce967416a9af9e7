-- A Condition waiter is done waiting (notified, or gave up): it leaves the waiters and its notification is forgotten.
-- KEYS: meta, waiters. ARGV: client, ticket. Returns 1 if it had been notified, else 0.
local prefix = ARGV[1] .. '|' .. ARGV[2] .. '|'
for _, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  if string.sub(entry, 1, #prefix) == prefix then
    redis.call('LREM', KEYS[2], 1, entry)
    return 0
  end
end
return redis.call('HDEL', string.sub(KEYS[1], 1, -5) .. 'notified', ARGV[1] .. '|' .. ARGV[2])
