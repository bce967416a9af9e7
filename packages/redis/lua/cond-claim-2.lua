-- A Condition waiter re-checks whether it was notified (its wake-up may have been lost). KEYS: meta, waiters.
-- ARGV: client, ticket. Returns 1 (notified; also when it is no longer among the waiters: it was taken for dead and
-- dropped, and wakes as a spurious wake-up, which waitFor() loops allow) or 'wait'.
--@include waiters
if redis.call('HEXISTS', string.sub(KEYS[1], 1, -5) .. 'notified', ARGV[1] .. '|' .. ARGV[2]) == 1 then return 1 end
if findWaiter(KEYS[2], ARGV[1], ARGV[2]) then return 'wait' end
return 1
