-- An agent took a batch of a Pool's tasks: counts the delivery, and says which of its tasks are already settled
-- (done by an agent before, or cancelled by their caller) so they are not run again.
-- KEYS: meta, items, waiters (the pool's task queue). ARGV: batch id, task id…
-- Returns {deliveries, id of each task to skip…}.
local base = string.sub(KEYS[1], 1, -5)
local reply = {redis.call('HINCRBY', base .. 'dc', ARGV[1], 1)}
for i = 2, #ARGV do
  if redis.call('HEXISTS', base .. 'done', ARGV[i]) == 1 or redis.call('HEXISTS', base .. 'cancel', ARGV[i]) == 1 then
    reply[#reply + 1] = ARGV[i]
  end
end
return reply
