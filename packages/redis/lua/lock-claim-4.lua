-- A waiting acquirer re-checks (its wake-up may have been lost). Read only: the grant stays recorded until the
-- acquirer takes note of it (lock-accept), so a cancel racing with this re-check still finds it and gives it back.
-- KEYS: meta, waiters, holders, grants. ARGV: client, ticket.
-- Returns 1 or 2 (granted), 'wait' while it is still among the waiters, else 'gone' (it was taken for dead and
-- dropped: it enters again).
--@include waiters
local code = redis.call('HGET', KEYS[4], ARGV[1] .. '|' .. ARGV[2])
if code then return tonumber(code) end
if findWaiter(KEYS[2], ARGV[1], ARGV[2]) then return 'wait' end
return 'gone'
