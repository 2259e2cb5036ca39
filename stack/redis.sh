# Our own Redis for BullMQ: AOF with appendfsync always (a write is on disk before Redis answers it,
# so a crash loses no job whose Kafka offset the dispatcher committed), and noeviction,
# because BullMQ breaks if Redis evicts its keys. The machine's Redis on 6379 has neither.
REDIS_DIR=$STACK_DIR/redis

redis_healthy() {
  if [ "$SECURE" = 1 ]; then [ "$(redis_cli_secure ping 2>/dev/null)" = PONG ]
  else [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; fi
}

redis_start() {
  require_cmd redis-server "Install it with 'sudo apt-get install redis-server'."
  if pid_alive "$REDIS_DIR/redis.pid" && redis_healthy; then log "redis already running on $REDIS_PORT"; return 0; fi
  require_free_port "$REDIS_PORT" redis AUTHLOG_REDIS_PORT
  mkdir -p "$REDIS_DIR/data"
  local listen=(--port "$REDIS_PORT")
  if [ "$SECURE" = 1 ]; then
    secure_certs
    (umask 077 && redis_secure_conf >"$REDIS_DIR/redis.conf")
    listen=("$REDIS_DIR/redis.conf")
  fi
  redis-server "${listen[@]}" --bind 127.0.0.1 --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --dir "$REDIS_DIR/data" \
    --appendonly yes --appendfsync always --save "" --maxmemory-policy noeviction
  wait_until 30 "redis ready on $REDIS_PORT (AOF, noeviction)" redis_healthy || die "redis did not start, see $REDIS_DIR/redis.log"
}

redis_stop() {
  # SHUTDOWN flushes the AOF before exiting; SIGTERM does the same, and works when the server is stuck.
  stop_pidfile "$REDIS_DIR/redis.pid" redis
}

redis_status() {
  if redis_healthy; then echo "redis          healthy   127.0.0.1:$REDIS_PORT (AOF always, noeviction$([ "$SECURE" = 1 ] && echo ', TLS + ACL'))"
  else echo "redis          DOWN      127.0.0.1:$REDIS_PORT"; return 1; fi
}
