-- Wakes up to n waiters of a Condition, the longest-waiting first. KEYS: meta, waiters. ARGV: channel prefix, n.
--@include now
--@include waiters
local base = string.sub(KEYS[1], 1, -5)
local n = tonumber(ARGV[2])
local woken = 0
while woken < n do
  local client, ticket = popWaiter(KEYS[2])
  if not client then break end
  redis.call('HSET', base .. 'notified', client .. '|' .. ticket, 1)
  notifyWaiter(ARGV[1], client, ticket, 'n')
  woken = woken + 1
end
return woken
