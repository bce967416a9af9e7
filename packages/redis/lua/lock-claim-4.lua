-- A waiting acquirer re-checks (its wake-up may have been lost). Read only: the grant stays recorded until the
-- acquirer takes note of it (lock-accept), so a cancel racing with this re-check still finds it and gives it back.
-- KEYS: meta, waiters, holders, grants. ARGV: client, ticket. Returns 1 or 2 (granted), or 'wait'.
local field = ARGV[1] .. '|' .. ARGV[2]
local code = redis.call('HGET', KEYS[4], field)
if not code then return 'wait' end
return tonumber(code)
