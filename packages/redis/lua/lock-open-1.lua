-- Creates the lock's meta hash, or checks that the existing one has the same kind and initial value.
-- KEYS: meta. ARGV: kind, initial permits.
local kind = redis.call('HGET', KEYS[1], 'kind')
if not kind then
  redis.call('HSET', KEYS[1], 'kind', ARGV[1], 'initial', ARGV[2], 'permits', ARGV[2], 'orphaned', 0)
  return 'ok'
end
local initial = redis.call('HGET', KEYS[1], 'initial')
if kind ~= ARGV[1] or initial ~= ARGV[2] then return 'mismatch ' .. kind .. ' value=' .. initial end
return 'ok'
