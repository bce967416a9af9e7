-- A Condition waiter re-checks whether it was notified (its wake-up may have been lost). KEYS: meta, waiters.
-- ARGV: client, ticket. Returns 1 (notified; also when it is no longer among the waiters: it was taken for dead and
-- dropped, and wakes as a spurious wake-up, which waitFor() loops allow) or 'wait'.
if redis.call('HEXISTS', string.sub(KEYS[1], 1, -5) .. 'notified', ARGV[1] .. '|' .. ARGV[2]) == 1 then return 1 end
local prefix = ARGV[1] .. '|' .. ARGV[2] .. '|'
for _, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  if string.sub(entry, 1, #prefix) == prefix then return 'wait' end
end
return 1
