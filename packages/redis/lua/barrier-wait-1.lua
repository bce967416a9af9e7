-- A party arrives. KEYS: meta. ARGV: client, ticket.
-- Returns {index, 'pass'} when it was the last (the round is over), {index, 'wait', round, resets} when others are
-- still to come, or 'broken' / 'gone'.
--@include barrier
local meta = KEYS[1]
local state = redis.call('HMGET', meta, 'parties', 'arrived', 'round', 'resets', 'broken')
if not state[1] then return 'gone' end
if state[5] == '1' then return 'broken' end
local index = tonumber(state[2])
local base = string.sub(meta, 1, -5)
if index + 1 == tonumber(state[1]) then
  redis.call('HSET', meta, 'arrived', 0)
  redis.call('HINCRBY', meta, 'round', 1)
  redis.call('DEL', base .. 'parties')
  redis.call('PUBLISH', base .. 'wake', 'pass')
  return {index, 'pass'}
end
redis.call('HSET', meta, 'arrived', index + 1)
redis.call('HSET', base .. 'parties', ARGV[1] .. '|' .. ARGV[2], state[3])
redis.call('SADD', base .. 'clients', ARGV[1])
return {index, 'wait', tonumber(state[3]), tonumber(state[4])}
