-- Waiters: a list per object of "client|ticket|max|deadline" entries, oldest first (FIFO across processes).
-- deadline is server time in ms, 0 for none: a waiter past its deadline is skipped (its process stopped waiting).

local function waiterEntry(client, ticket, max, timeoutMs)
  local deadline = 0
  if tonumber(timeoutMs) >= 0 then deadline = nowMs() + tonumber(timeoutMs) end
  return client .. '|' .. ticket .. '|' .. max .. '|' .. deadline
end

-- The oldest waiter whose deadline has not passed: client, ticket, max (nil when none).
local function popWaiter(waitersKey)
  local now = nil
  while true do
    local entry = redis.call('LPOP', waitersKey)
    if not entry then return nil end
    local client, ticket, max, deadline = string.match(entry, '^(.*)|(%d+)|(%d+)|(%d+)$')
    deadline = tonumber(deadline)
    if deadline == 0 then return client, ticket, tonumber(max) end
    now = now or nowMs()
    if deadline > now then return client, ticket, tonumber(max) end
  end
end

-- Removes every waiter of `client` (it died); returns how many.
local function dropWaitersOf(waitersKey, client)
  local removed = 0
  local prefix = client .. '|'
  for _, entry in ipairs(redis.call('LRANGE', waitersKey, 0, -1)) do
    if string.sub(entry, 1, #prefix) == prefix then
      removed = removed + redis.call('LREM', waitersKey, 1, entry)
    end
  end
  return removed
end

-- The entry of `client`'s wait `ticket`, or nil: a wait that is no longer among the waiters was served, cancelled, or
-- dropped with a process taken for dead.
local function findWaiter(waitersKey, client, ticket)
  local prefix = client .. '|' .. ticket .. '|'
  for _, entry in ipairs(redis.call('LRANGE', waitersKey, 0, -1)) do
    if string.sub(entry, 1, #prefix) == prefix then return entry end
  end
  return nil
end

-- Removes `client`'s wait `ticket` from the waiters; true if it was there.
local function removeWaiter(waitersKey, client, ticket)
  local entry = findWaiter(waitersKey, client, ticket)
  if not entry then return false end
  redis.call('LREM', waitersKey, 1, entry)
  return true
end

-- Wakes one waiter: a message on its process's channel, "<ticket>\n<body>". Only a hint: the state is in keys.
local function notifyWaiter(channelPrefix, client, ticket, body)
  redis.call('PUBLISH', channelPrefix .. client, ticket .. '\n' .. body)
end
