# Apache Kafka, single-node KRaft, run from the kafka_2.13 artifacts on Maven Central.
KAFKA_DIR=$STACK_DIR/kafka

kafka_classpath() {
  # Building the classpath costs a Maven start (seconds); cache it per pom content.
  local pom=$ROOT_DIR/stack/kafka/pom.xml sum
  sum=$(sha1sum "$pom" | cut -c1-12)
  local cp_file=$KAFKA_DIR/classpath-$sum
  if [ ! -s "$cp_file" ]; then
    log "resolving Kafka $KAFKA_VERSION from Maven Central (first run only)"
    mvn -q -B -f "$pom" "$MVN_DEPENDENCY_PLUGIN:build-classpath" -Dmdep.outputFile="$cp_file" >"$KAFKA_DIR/maven.log" 2>&1 \
      || die "Maven could not resolve Kafka, see $KAFKA_DIR/maven.log"
  fi
  cat "$cp_file"
}

kafka_healthy() {
  port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$KAFKA_DIR/kafka.log" 2>/dev/null
}

kafka_start() {
  require_cmd java "Kafka needs Java 17 or newer: 'sudo apt-get install openjdk-17-jre-headless'."
  require_cmd mvn "Maven fetches Kafka from Maven Central: 'sudo apt-get install maven'."
  if pid_alive "$KAFKA_DIR/kafka.pid" && kafka_healthy; then log "kafka already running on $KAFKA_PORT"; return 0; fi
  require_free_port "$KAFKA_PORT" kafka AUTHLOG_KAFKA_PORT
  require_free_port "$KAFKA_CONTROLLER_PORT" "kafka controller" AUTHLOG_KAFKA_CONTROLLER_PORT
  mkdir -p "$KAFKA_DIR/data"
  local cp
  cp=$(kafka_classpath)
  sed -e "s|@PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" -e "s|@DATA_DIR@|$KAFKA_DIR/data|g" \
    "$ROOT_DIR/stack/kafka/server.properties" >"$KAFKA_DIR/server.properties"
  local format_args=()
  if [ "$SECURE" = 1 ]; then
    secure_certs
    chmod 600 "$KAFKA_DIR/server.properties"
    kafka_secure_properties >>"$KAFKA_DIR/server.properties"
    mapfile -t format_args < <(kafka_secure_format_args)
  fi
  local java_opts=(-Xms512m -Xmx512m -XX:+UseG1GC -Dlog4j2.configurationFile="$ROOT_DIR/stack/kafka/log4j2.properties")
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
    java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" "${format_args[@]}" \
      >"$KAFKA_DIR/format.log" 2>&1 || die "formatting Kafka storage failed, see $KAFKA_DIR/format.log"
  fi
  [ -f "$KAFKA_DIR/kafka.log" ] && mv "$KAFKA_DIR/kafka.log" "$KAFKA_DIR/kafka.log.1"
  nohup java -cp "$cp" "${java_opts[@]}" kafka.Kafka "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/kafka.log" 2>&1 &
  echo $! >"$KAFKA_DIR/kafka.pid"
  wait_until 90 "kafka $KAFKA_VERSION ready on $KAFKA_PORT" kafka_healthy \
    || die "kafka did not start within 90 s, see $KAFKA_DIR/kafka.log"
}

kafka_stop() { stop_pidfile "$KAFKA_DIR/kafka.pid" kafka "${1:-TERM}"; }

kafka_status() {
  if kafka_healthy; then echo "kafka          healthy   127.0.0.1:$KAFKA_PORT (KRaft, Kafka $KAFKA_VERSION$([ "$SECURE" = 1 ] && echo ', SASL_SSL'))"
  else echo "kafka          DOWN      127.0.0.1:$KAFKA_PORT"; return 1; fi
}
