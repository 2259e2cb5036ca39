# Elasticsearch from the integ-test-zip distribution on Maven Central, run by its own launcher.
# 9.x is not published there as integ-test-zip (Maven Central answers 404 for 9.0.0 to 9.5.6 and its
# metadata lists 8.19.21 as latest), so this is 8.19 with client 8, as docker-compose.yml pins too.
ES_ARTIFACT=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip
# Elasticsearch refuses to run as root; when we are root we run it as this system user.
ES_USER=${AUTHLOG_ES_USER:-authlog-es}

# The folder must be reachable by $ES_USER: a checkout under /root is not, so then it lives in /var/tmp.
es_locate() {
  ES_DIR=$STACK_DIR/elasticsearch
  if [ "$(id -u)" = 0 ]; then
    id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    if ! runuser -u "$ES_USER" -- test -x "$STACK_DIR" 2>/dev/null; then
      ES_DIR=/var/tmp/authlog-es-$(printf '%s' "$STACK_DIR" | sha1sum | cut -c1-10)
    fi
  fi
  ES_HOME=$ES_DIR/elasticsearch-$ES_VERSION
}

es_healthy() {
  if [ "$SECURE" = 1 ]; then
    es_curl_secure "https://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1
  else
    curl -fsS "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1
  fi
}

es_java_home() {
  if [ -n "${AUTHLOG_ES_JAVA_HOME:-}" ]; then echo "$AUTHLOG_ES_JAVA_HOME"; return; fi
  local java_bin
  java_bin=$(readlink -f "$(command -v java)")
  dirname "$(dirname "$java_bin")"
}

es_install() {
  [ -x "$ES_HOME/bin/elasticsearch" ] && return 0
  require_cmd unzip "Install it with 'sudo apt-get install unzip'."
  local zip=$HOME/.m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip
  if [ ! -f "$zip" ]; then
    log "downloading Elasticsearch $ES_VERSION from Maven Central (first run only)"
    mvn -q -B "$MVN_DEPENDENCY_PLUGIN:get" -Dartifact="$ES_ARTIFACT" -Dtransitive=false >"$ES_DIR/maven.log" 2>&1 \
      || die "Maven could not fetch $ES_ARTIFACT, see $ES_DIR/maven.log"
  fi
  unzip -q -o "$zip" -d "$ES_DIR"
}

es_run_as() {
  if [ "$(id -u)" = 0 ]; then
    chown -R "$ES_USER" "$ES_DIR"
    runuser -u "$ES_USER" -- "$@"
  else
    "$@"
  fi
}

es_start() {
  es_locate
  require_cmd java "Elasticsearch 8.19 needs Java 17 or newer: 'sudo apt-get install openjdk-17-jre-headless'."
  require_cmd mvn "Maven fetches Elasticsearch from Maven Central: 'sudo apt-get install maven'."
  require_cmd curl "Install it with 'sudo apt-get install curl'."
  if pid_alive "$ES_DIR/run/es.pid" && es_healthy; then log "elasticsearch already running on $ES_PORT"; return 0; fi
  require_free_port "$ES_PORT" elasticsearch AUTHLOG_ES_PORT
  require_free_port "$ES_TRANSPORT_PORT" "elasticsearch transport" AUTHLOG_ES_TRANSPORT_PORT
  mkdir -p "$ES_DIR/data" "$ES_DIR/logs" "$ES_DIR/run"
  es_install
  cat >"$ES_HOME/config/elasticsearch.yml" <<YML
cluster.name: authlog-dev
node.name: authlog-dev-1
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
path.data: $ES_DIR/data
path.logs: $ES_DIR/logs
$([ "$SECURE" = 1 ] && es_secure_yml || echo 'xpack.security.enabled: false')
# A developer disk that is 90% full must not turn every index read-only.
cluster.routing.allocation.disk.threshold_enabled: false
# Tests create and drop many indices; make that explicit rather than surprising.
action.destructive_requires_name: false
YML
  mkdir -p "$ES_HOME/config/jvm.options.d"
  # The secured stack holds only the secure tests' data: half the heap, so both fit beside each other.
  local heap=${AUTHLOG_ES_HEAP:-1g}
  [ "$SECURE" = 1 ] && heap=${AUTHLOG_SECURE_ES_HEAP:-512m}
  printf -- '-Xms%s\n-Xmx%s\n' "$heap" "$heap" >"$ES_HOME/config/jvm.options.d/heap.options"
  if [ "$SECURE" = 1 ]; then es_secure_prepare; fi
  es_run_as env ES_JAVA_HOME="$(es_java_home)" "$ES_HOME/bin/elasticsearch" -d -p "$ES_DIR/run/es.pid" \
    >"$ES_DIR/launcher.log" 2>&1 || die "elasticsearch did not start, see $ES_DIR/launcher.log and $ES_DIR/logs"
  wait_until 120 "elasticsearch $ES_VERSION ready on $ES_PORT" es_healthy \
    || die "elasticsearch did not become healthy within 120 s, see $ES_DIR/logs/authlog-dev.log"
  if [ "$SECURE" = 1 ]; then es_secure_api_key; fi
}

es_stop() { es_locate; stop_pidfile "$ES_DIR/run/es.pid" elasticsearch "${1:-TERM}"; }

es_status() {
  if es_healthy; then echo "elasticsearch  healthy   127.0.0.1:$ES_PORT (Elasticsearch $ES_VERSION$([ "$SECURE" = 1 ] && echo ', HTTPS + users'))"
  else echo "elasticsearch  DOWN      127.0.0.1:$ES_PORT"; return 1; fi
}
