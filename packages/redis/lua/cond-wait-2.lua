-- Enters a Condition waiter (before the waiter releases the lock, so no notify between the two is missed).
-- KEYS: meta, waiters. ARGV: client, ticket.
--@include now
--@include waiters
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
redis.call('RPUSH', KEYS[2], waiterEntry(ARGV[1], ARGV[2], 1, -1))
redis.call('SADD', string.sub(KEYS[1], 1, -5) .. 'clients', ARGV[1])
return 'wait'
