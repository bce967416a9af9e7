-- Breaks a Barrier (abort(), or a party's wait timed out or was aborted). KEYS: meta. ARGV: why.
--@include barrier
if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
breakBarrier(KEYS[1], ARGV[1])
return 'ok'
