-- A caller takes the results agents recorded in its inbox (up to max). KEYS: meta, items, waiters. ARGV: inbox, max.
return redis.call('LPOP', string.sub(KEYS[1], 1, -5) .. 'r:' .. ARGV[1], tonumber(ARGV[2])) or {}
