-- A Condition waiter is done waiting (notified, or gave up): it leaves the waiters and its notification is forgotten.
-- KEYS: meta, waiters. ARGV: client, ticket. Returns 1 if it had been notified, else 0.
--@include waiters
if removeWaiter(KEYS[2], ARGV[1], ARGV[2]) then return 0 end
return redis.call('HDEL', string.sub(KEYS[1], 1, -5) .. 'notified', ARGV[1] .. '|' .. ARGV[2])
