-- An Event holds nothing for a process: a dead one's wait counts are forgotten. KEYS: meta. ARGV: channel prefix, client.
local base = string.sub(KEYS[1], 1, -5)
redis.call('HDEL', base .. 'watch', ARGV[2] .. '|wait')
redis.call('SREM', base .. 'clients', ARGV[2])
return 0
