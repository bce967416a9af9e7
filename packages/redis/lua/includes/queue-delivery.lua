-- Queue deliveries. An item taken from a queue stays recorded under the taker's ticket until the taker acknowledges it
-- (`d:<client>:<ticket>`, a list, indexed in the set `dl:<client>`), so the items of a process that dies on the way
-- go back to the head. A JoinableQueue keeps the acknowledged ones in `taken:<client>` until taskDone().

local function queueBase(metaKey)
  return string.sub(metaKey, 1, -5)
end

local function deliver(base, client, ticket, items)
  redis.call('RPUSH', base .. 'd:' .. client .. ':' .. ticket, unpack(items))
  redis.call('SADD', base .. 'dl:' .. client, ticket)
  redis.call('SADD', base .. 'clients', client)
end

-- Puts `items` back at the head of the queue, the first of them first in line.
local function requeue(itemsKey, items)
  for i = #items, 1, -1 do redis.call('LPUSH', itemsKey, items[i]) end
end

-- Buffered items go to the waiting getters, the longest-waiting first, each up to its max.
local function queueHandOff(base, itemsKey, waitersKey, channelPrefix)
  while redis.call('LLEN', itemsKey) > 0 do
    local client, ticket, max = popWaiter(waitersKey)
    if not client then return end
    local items = redis.call('LPOP', itemsKey, max)
    deliver(base, client, ticket, items)
    notifyWaiter(channelPrefix, client, ticket, 'i' .. frameItems(items))
  end
end

-- Gives back every item of one delivery (a cancelled wait that was served, or a delivery given back).
local function giveBackDelivery(base, itemsKey, client, ticket)
  local key = base .. 'd:' .. client .. ':' .. ticket
  requeue(itemsKey, redis.call('LRANGE', key, 0, -1))
  redis.call('DEL', key)
  redis.call('SREM', base .. 'dl:' .. client, ticket)
end
