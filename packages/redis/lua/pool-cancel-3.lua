-- A caller gave up tasks (abort, terminate): agents skip them if not started, and stop them if running (they hear
-- it on the pool's channel). KEYS: meta, items, waiters. ARGV: task id…
local base = string.sub(KEYS[1], 1, -5)
for i = 1, #ARGV do redis.call('HSET', base .. 'cancel', ARGV[i], 1) end
redis.call('PUBLISH', base .. 'wake', 'cancel ' .. table.concat(ARGV, ' '))
return #ARGV
