-- Sets an Event's flag and wakes every waiter (the generation tells a waiter a set happened, even if cleared since).
-- KEYS: meta.
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
redis.call('HSET', KEYS[1], 'flag', 1)
redis.call('HINCRBY', KEYS[1], 'generation', 1)
redis.call('PUBLISH', string.sub(KEYS[1], 1, -5) .. 'wake', 'set')
return 'ok'
