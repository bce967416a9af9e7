-- Clears an Event's flag. KEYS: meta.
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
redis.call('HSET', KEYS[1], 'flag', 0)
return 'ok'
