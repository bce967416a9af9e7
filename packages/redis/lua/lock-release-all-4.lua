-- Condition support: releases every level of the lock the caller holds (it is about to wait), and hands the lock on.
-- KEYS: meta, waiters, holders, grants. ARGV: channel prefix, client. Returns the depth released (0: not held).
--@include now
--@include waiters
--@include permits
local meta, waitersKey, holdersKey, grantsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local depth = tonumber(redis.call('HGET', holdersKey, ARGV[2]) or '0')
if depth == 0 then return 0 end
redis.call('HDEL', holdersKey, ARGV[2])
redis.call('HINCRBY', meta, 'permits', 1)
permitsHandOff(meta, waitersKey, holdersKey, grantsKey, ARGV[1])
return depth
