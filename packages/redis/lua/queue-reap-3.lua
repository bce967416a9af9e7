-- A process died (or closed): the items it took and had not acknowledged go back to the head, oldest first; a
-- JoinableQueue's items it acknowledged and had not marked done go back too (policy 'requeue') or count as done
-- ('done'); its waits end. KEYS: meta, items, waiters. ARGV: channel prefix, client. Returns the items given back.
--@include now
--@include waiters
--@include framing
--@include queue-delivery
local meta, itemsKey, waitersKey = KEYS[1], KEYS[2], KEYS[3]
local client = ARGV[2]
local base = queueBase(meta)
local taken = redis.call('LRANGE', base .. 'taken:' .. client, 0, -1)
local back = {}
if redis.call('HGET', meta, 'policy') == 'done' then
  if #taken > 0 and redis.call('HINCRBY', meta, 'unfinished', -#taken) == 0 then redis.call('PUBLISH', base .. 'wake', 'joined') end
else
  back = taken
end
local tickets = redis.call('SMEMBERS', base .. 'dl:' .. client)
table.sort(tickets, function(a, b) return tonumber(a) < tonumber(b) end)
for _, ticket in ipairs(tickets) do
  local key = base .. 'd:' .. client .. ':' .. ticket
  for _, item in ipairs(redis.call('LRANGE', key, 0, -1)) do back[#back + 1] = item end
  redis.call('DEL', key)
end
redis.call('DEL', base .. 'taken:' .. client, base .. 'dl:' .. client)
redis.call('LREM', base .. 'takenorder', 0, client)
-- A Pool's task queue: results recorded for a caller that is gone have no one to read them.
for _, inbox in ipairs(redis.call('SMEMBERS', base .. 'rs:' .. client)) do redis.call('DEL', base .. 'r:' .. inbox) end
redis.call('DEL', base .. 'rs:' .. client)
redis.call('HDEL', base .. 'watch', client .. '|put', client .. '|join')
dropWaitersOf(waitersKey, client)
redis.call('SREM', base .. 'clients', client)
requeue(itemsKey, back)
queueHandOff(base, itemsKey, waitersKey, ARGV[1])
return #back
