-- A Barrier: meta holds parties, arrived (this round), round (rounds completed), resets, broken (0/1); the hash
-- `parties` holds "client|ticket" -> round of each party waiting now.

-- Breaks it: every waiter (they read `broken`) and every later wait get ERR_BROKEN_BARRIER, until reset().
local function breakBarrier(meta, why)
  local base = string.sub(meta, 1, -5)
  redis.call('HSET', meta, 'broken', 1, 'why', why, 'arrived', 0)
  redis.call('DEL', base .. 'parties')
  redis.call('PUBLISH', base .. 'wake', 'broken')
end
