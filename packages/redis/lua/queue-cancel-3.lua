-- A getter stopped waiting (timeout, abort): it leaves the waiters; if it was served meanwhile, its items go back to
-- the head (it never hands them to its caller). KEYS: meta, items, waiters. ARGV: channel prefix, client, ticket.
--@include now
--@include waiters
--@include framing
--@include queue-delivery
local meta, itemsKey, waitersKey = KEYS[1], KEYS[2], KEYS[3]
local client, ticket = ARGV[2], ARGV[3]
if removeWaiter(waitersKey, client, ticket) then return 'cancelled' end
local base = queueBase(meta)
giveBackDelivery(base, itemsKey, client, ticket)
queueHandOff(base, itemsKey, waitersKey, ARGV[1])
return 'cancelled'
