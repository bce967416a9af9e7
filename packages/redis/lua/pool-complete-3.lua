-- An agent finished tasks of a Pool: each result is recorded once (the first completion of a task wins: a task run
-- again after its agent was thought dead adds nothing) and pushed to its caller's result list, and each caller is
-- woken once. With a batch id, the batch is over: its delivery is acknowledged and its bookkeeping dropped.
-- KEYS: meta, items, waiters (the pool's task queue).
-- ARGV: channel prefix, agent client, delivery ticket, batch id ('' while the batch goes on), n, then n times
-- (task id, caller inbox, outcome), then (batch over) the id of every task of the batch. An inbox is
-- "<caller client>/<n>" (one per Pool of the caller): its results list is r:<inbox>, indexed in rs:<caller client>.
-- Returns the number of results recorded.
local base = string.sub(KEYS[1], 1, -5)
local agent, ticket, batch, n = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local recorded = 0
local woken = {}
for i = 0, n - 1 do
  local id, inbox, outcome = ARGV[6 + i * 3], ARGV[7 + i * 3], ARGV[8 + i * 3]
  if redis.call('HSETNX', base .. 'done', id, 1) == 1 then
    redis.call('RPUSH', base .. 'r:' .. inbox, id .. '|' .. outcome)
    recorded = recorded + 1
    if not woken[inbox] then
      woken[inbox] = true
      local caller = string.match(inbox, '^([^/]*)')
      redis.call('SADD', base .. 'rs:' .. caller, inbox)
      redis.call('PUBLISH', ARGV[1] .. caller, 'pool:' .. inbox .. '\nr')
    end
  end
end
if batch ~= '' then
  local key = base .. 'd:' .. agent .. ':' .. ticket
  redis.call('DEL', key)
  redis.call('SREM', base .. 'dl:' .. agent, ticket)
  redis.call('HDEL', base .. 'dc', batch)
  for i = 6 + n * 3, #ARGV do
    redis.call('HDEL', base .. 'done', ARGV[i])
    redis.call('HDEL', base .. 'cancel', ARGV[i])
  end
end
return recorded
