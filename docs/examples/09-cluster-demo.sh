#!/usr/bin/env bash
# Example 9 across four "hosts" on one machine: Linux network namespaces joined by veth pairs on a bridge.
#   redis  (10.x.y.1): redis-server, no persistence, noeviction
#   caller (10.x.y.2): docs/examples/09-cluster.ts, moved to Redis by MULTIPROC_BACKEND alone
#   agent-1, agent-2 (10.x.y.3, .4): `multiproc worker --pool words`, one process each
# Needs root, iproute2 (ip) and redis-server; run from anywhere: bash docs/examples/09-cluster-demo.sh
# Everything it makes (namespaces, links, processes, a temp dir) goes when it ends, also on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../.."

ID="${MULTIPROC_DEMO_ID:-$$}"
NET="10.$((100 + RANDOM % 100)).$((RANDOM % 250))"
HOSTS=(redis caller agent-1 agent-2)
NODE=(node --import tsx)
DIR="$(mktemp -d)"
PIDS=()

ns() { echo "mpd-$1-$ID"; }

cleanup() {
  # SIGTERM (an agent finishes the tasks it holds), then SIGKILL what is still there after 5 s.
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  for host in "${HOSTS[@]}" switch; do ip netns del "$(ns "$host")" 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The network: a bridge in a "switch" namespace, and one veth pair per host.
ip netns add "$(ns switch)"
ip -n "$(ns switch)" link add br0 type bridge
ip -n "$(ns switch)" link set br0 up
for i in "${!HOSTS[@]}"; do
  host="${HOSTS[$i]}"
  link="v$i-$ID"
  ip netns add "$(ns "$host")"
  ip link add "${link:0:15}" type veth peer name eth0 netns "$(ns "$host")"
  ip link set "${link:0:15}" netns "$(ns switch)"
  ip -n "$(ns switch)" link set "${link:0:15}" master br0 up
  ip -n "$(ns "$host")" addr add "$NET.$((i + 1))/24" dev eth0
  ip -n "$(ns "$host")" link set eth0 up
  ip -n "$(ns "$host")" link set lo up
done
REDIS="redis://$NET.1:6379"

# A private network of namespaces: no password, so Redis's protected mode (which refuses other hosts then) is off.
# On a real network, give it an ACL user and a password (and TLS): see docs/cluster.md.
ip netns exec "$(ns redis)" redis-server --bind "$NET.1" --port 6379 --protected-mode no --save '' --appendonly no \
  --maxmemory-policy noeviction --dir "$DIR" --logfile "$DIR/redis.log" &
PIDS+=($!)

for agent in agent-1 agent-2; do
  ip netns exec "$(ns "$agent")" env MULTIPROC_DEMO_HOST="$agent" "${NODE[@]}" packages/multiproc/dist/cli.js worker \
    --backend "$REDIS" --namespace demo --pool words --import docs/examples/09-cluster.ts --processes 1 >"$DIR/$agent.log" 2>&1 &
  PIDS+=($!)
done
# Wait for both agents' boot lines (they connect once Redis listens: connect() fails fast, so retry).
for agent in agent-1 agent-2; do
  for _ in $(seq 1 600); do grep -q '^multiproc worker' "$DIR/$agent.log" 2>/dev/null && break; sleep 0.1; done
  grep -q '^multiproc worker' "$DIR/$agent.log" || { echo "$agent did not start:" >&2; cat "$DIR/$agent.log" >&2; exit 1; }
done

# The caller: the unchanged program, its Pool moved to Redis by the environment. (In the background with `wait`, so
# a signal to this script runs its cleanup at once instead of after the caller ends.)
ip netns exec "$(ns caller)" env MULTIPROC_BACKEND="$REDIS" MULTIPROC_NAMESPACE=demo "${NODE[@]}" docs/examples/09-cluster.ts &
CALLER=$!
PIDS+=("$CALLER")
wait "$CALLER"
