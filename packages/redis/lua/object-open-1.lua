-- Creates an object's meta hash with its kind, its options (as one text) and its first fields, or checks that the
-- existing one has the same kind and options. KEYS: meta. ARGV: kind, options, field, value, field, value…
local stored = redis.call('HMGET', KEYS[1], 'kind', 'options')
if not stored[1] then
  redis.call('HSET', KEYS[1], 'kind', ARGV[1], 'options', ARGV[2], unpack(ARGV, 3))
  return 'ok'
end
if stored[1] ~= ARGV[1] or stored[2] ~= ARGV[2] then return 'mismatch ' .. stored[1] .. ' ' .. stored[2] end
return 'ok'
