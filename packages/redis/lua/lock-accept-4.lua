-- An acquirer takes note of the permit it was granted while it waited (after this, a cancel no longer gives it back).
-- KEYS: meta, waiters, holders, grants. ARGV: client, ticket.
redis.call('HDEL', KEYS[4], ARGV[1] .. '|' .. ARGV[2])
return 'ok'
