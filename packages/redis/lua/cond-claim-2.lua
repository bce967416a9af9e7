-- A Condition waiter re-checks whether it was notified (its wake-up may have been lost). KEYS: meta, waiters.
-- ARGV: client, ticket. Returns 1 (notified) or 'wait'.
if redis.call('HEXISTS', string.sub(KEYS[1], 1, -5) .. 'notified', ARGV[1] .. '|' .. ARGV[2]) == 1 then return 1 end
return 'wait'
