# Shared helpers for the local stack scripts (sourced, never run directly).
# Every service keeps its data, logs and pid under $STACK_DIR/<service>, so `rm -rf .stack` resets all.

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_DIR=${AUTHLOG_STACK_DIR:-$ROOT_DIR/.stack}

# SECURE=1 (scripts/stack ... --secure, or AUTHLOG_STACK_SECURE=1): the same engines secured, on
# their own ports and in their own folder ($STACK_DIR/secure), so they run beside the open stack.
SECURE=${SECURE:-0}
if [ "$SECURE" = 1 ]; then
  SECURE_DIR=$STACK_DIR/secure
  STACK_DIR=$SECURE_DIR
  MYSQL_PORT=${AUTHLOG_SECURE_MYSQL_PORT:-3307}
  REDIS_PORT=${AUTHLOG_SECURE_REDIS_PORT:-6381}
  KAFKA_PORT=${AUTHLOG_SECURE_KAFKA_PORT:-9094}
  KAFKA_CONTROLLER_PORT=${AUTHLOG_SECURE_KAFKA_CONTROLLER_PORT:-9095}
  ES_PORT=${AUTHLOG_SECURE_ES_PORT:-9201}
  ES_TRANSPORT_PORT=${AUTHLOG_SECURE_ES_TRANSPORT_PORT:-9301}
else
  MYSQL_PORT=${AUTHLOG_MYSQL_PORT:-3306}
  REDIS_PORT=${AUTHLOG_REDIS_PORT:-6380}
  KAFKA_PORT=${AUTHLOG_KAFKA_PORT:-9092}
  KAFKA_CONTROLLER_PORT=${AUTHLOG_KAFKA_CONTROLLER_PORT:-9093}
  ES_PORT=${AUTHLOG_ES_PORT:-9200}
  ES_TRANSPORT_PORT=${AUTHLOG_ES_TRANSPORT_PORT:-9300}
fi

# Versions: keep in step with docker-compose.yml.
KAFKA_VERSION=4.4.0
ES_VERSION=8.19.21

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

require_cmd() { # require_cmd <command> <what to do if missing>
  command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed. $2"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { # pid_alive <pidfile>
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# A port held by something that is not ours would make our service fail in a confusing way later.
require_free_port() { # require_free_port <port> <service> <env var>
  if port_open "$1"; then
    die "port $1 (for $2) is already taken by another process. Stop it, or choose another port with $3=<port>."
  fi
}

wait_until() { # wait_until <seconds> <description> <command...>
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
  log "$what"
}

stop_pidfile() { # stop_pidfile <pidfile> <name> [signal]; waits up to 60 s, then kills
  local pidfile=$1 name=$2 sig=${3:-TERM}
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid
  pid=$(cat "$pidfile")
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; log "$name stopped"; return 0; }
    sleep 0.5
  done
  log "$name did not stop within 60 s, killing it"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# Resolve artifacts from Maven Central through Maven (cached in ~/.m2, so only the first run downloads).
# The dependency plugin is pinned: Maven 3.8.7 otherwise picks a version too old for these goals.
MVN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
