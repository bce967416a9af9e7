-- A process died (or closed): if one of its parties was waiting, the barrier breaks. KEYS: meta. ARGV: channel
-- prefix, client.
--@include barrier
local base = string.sub(KEYS[1], 1, -5)
redis.call('SREM', base .. 'clients', ARGV[2])
for _, field in ipairs(redis.call('HKEYS', base .. 'parties')) do
  if string.sub(field, 1, #ARGV[2] + 1) == ARGV[2] .. '|' then
    breakBarrier(KEYS[1], 'party process ' .. string.match(ARGV[2], '^(%d+)') .. ' died while waiting')
    return 1
  end
end
return 0
