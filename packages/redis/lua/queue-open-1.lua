-- Creates the queue's meta hash, or checks that the existing one has the same kind and maxsize.
-- KEYS: meta. ARGV: kind, maxsize, joinable (0/1), death policy ('requeue' | 'done').
local kind = redis.call('HGET', KEYS[1], 'kind')
if not kind then
  redis.call('HSET', KEYS[1], 'kind', ARGV[1], 'maxsize', ARGV[2], 'joinable', ARGV[3], 'policy', ARGV[4], 'closed', 0, 'unfinished', 0)
  return 'ok'
end
local maxsize = redis.call('HGET', KEYS[1], 'maxsize')
if kind ~= ARGV[1] or maxsize ~= ARGV[2] then return 'mismatch ' .. kind .. ' maxsize=' .. maxsize end
return 'ok'
