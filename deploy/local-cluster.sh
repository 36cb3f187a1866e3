#!/usr/bin/env bash
# Several servers on this machine's own services (README "Running several servers"):
# a Mosquitto of its own on MQTT_PORT (default 1884, deploy/cluster/mosquitto-local.conf),
# a database on the PostgreSQL at PG_URL (default postgres://postgres@127.0.0.1:5432, database
# estate_cluster, created if missing), and SERVERS servers (default 3) on HTTP ports 3001, 3002 …
# sharing them. Ctrl-C stops everything it started; nothing else is touched.
#
#   deploy/local-cluster.sh                 # the demo site, no virtual devices
#   SIMULATOR_TOO=1 deploy/local-cluster.sh # plus the demo's virtual devices on the broker (estate-sim)
#   kill -9 <pid of one server>             # its share moves to the others within CLUSTER_LEASE_SEC (10 s)
set -euo pipefail
cd "$(dirname "$0")/.."

SERVERS=${SERVERS:-3}
MQTT_PORT=${MQTT_PORT:-1884}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-estate_cluster}
FIRST_HTTP_PORT=${FIRST_HTTP_PORT:-3001}
RUN_DIR=$(mktemp -d -t estate-cluster-XXXX)
pids=()

stop() {
  trap - INT TERM EXIT
  echo "stopping ${#pids[@]} processes"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$RUN_DIR"
}
trap stop INT TERM EXIT

command -v mosquitto >/dev/null || { echo "mosquitto not found (apt-get install mosquitto)"; exit 1; }
psql "$PG_URL/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
  || psql "$PG_URL/postgres" -qc "CREATE DATABASE $DB"

npm run build >/dev/null

sed "s/^per_listener_settings false/per_listener_settings false\nlistener $MQTT_PORT 127.0.0.1/" deploy/cluster/mosquitto-local.conf > "$RUN_DIR/mosquitto.conf"
mosquitto -c "$RUN_DIR/mosquitto.conf" & pids+=($!)
sleep 0.5

for i in $(seq 1 "$SERVERS"); do
  port=$((FIRST_HTTP_PORT + i - 1))
  HTTP_PORT=$port MQTT_URL="mqtt://127.0.0.1:$MQTT_PORT" DATABASE_URL="$PG_URL/$DB" SIMULATOR=off \
    CLUSTER_NODE_ID="server-$i" node apps/server/dist/main.js > >(sed "s/^/[server-$i] /") 2>&1 &
  pids+=($!)
  echo "server-$i: pid $!, http://localhost:$port  (/api/health shows what it holds)"
done

if [ -n "${SIMULATOR_TOO:-}" ]; then
  node firmware-sim/dist/cli/main.js run --url "mqtt://127.0.0.1:$MQTT_PORT" --patrol --estate > >(sed "s/^/[devices] /") 2>&1 &
  pids+=($!)
fi
wait
