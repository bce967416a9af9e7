-- Back to the first state: parties waiting now get ERR_BROKEN_BARRIER (they see `resets` change). KEYS: meta.
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local base = string.sub(KEYS[1], 1, -5)
redis.call('HSET', KEYS[1], 'broken', 0, 'arrived', 0)
redis.call('HINCRBY', KEYS[1], 'resets', 1)
redis.call('DEL', base .. 'parties')
redis.call('PUBLISH', base .. 'wake', 'reset')
return 'ok'
