# The secured Elasticsearch: x-pack security on, HTTPS with the local CA's server certificate, two
# file-realm users (authlog_admin for this script and the tests, authlog for the services).
# API keys: the integ-test-zip lacks the analysis-common module that the .security index mapping
# needs ("Unknown filter type [pattern_capture]"), so POST /_security/api_key fails there and the
# services authenticate as the authlog user instead; with a full distribution the key is made,
# kept in $SECRETS_DIR/es-api-key, and `scripts/stack env --secure` prints it instead.
ES_ADMIN_USER=authlog_admin
ES_SECURE_USER=authlog

es_secure_yml() {
  cat <<YML
xpack.security.enabled: true
xpack.security.http.ssl.enabled: true
xpack.security.http.ssl.certificate: tls/server-chain.crt
xpack.security.http.ssl.key: tls/server.key
xpack.security.http.ssl.certificate_authorities: [tls/ca.crt]
xpack.security.authc.api_key.enabled: true
YML
}

# Elasticsearch reads certificates only from its config folder; users go to its file realm.
es_secure_prepare() {
  secure_certs
  mkdir -p "$ES_HOME/config/tls"
  cp "$TLS_DIR/ca.crt" "$TLS_DIR/server.key" "$ES_HOME/config/tls/"
  # The chain includes the CA, as a cluster's own auto-configured certificate does, so a client can pin it by fingerprint.
  cat "$TLS_DIR/server.crt" "$TLS_DIR/ca.crt" >"$ES_HOME/config/tls/server-chain.crt"
  local user
  for user in "$ES_ADMIN_USER" "$ES_SECURE_USER"; do
    if ! grep -q "^$user:" "$ES_HOME/config/users" 2>/dev/null; then
      es_run_as env ES_JAVA_HOME="$(es_java_home)" "$ES_HOME/bin/elasticsearch-users" useradd "$user" -p "$(secret "es-password-$user")" -r superuser \
        >>"$ES_DIR/launcher.log" 2>&1 || die "elasticsearch-users could not add $user, see $ES_DIR/launcher.log"
    fi
  done
}

# curl as the admin user over the local CA; the password goes through stdin, not the command line.
es_curl_secure() {
  printf 'user = "%s:%s"\n' "$ES_ADMIN_USER" "$(cat "$SECRETS_DIR/es-password-$ES_ADMIN_USER" 2>/dev/null)" \
    | curl -K - -fsS --cacert "$TLS_DIR/ca.crt" "$@"
}

es_secure_api_key() {
  [ -s "$SECRETS_DIR/es-api-key" ] && es_curl_secure -o /dev/null -H "Authorization: ApiKey $(cat "$SECRETS_DIR/es-api-key")" \
    "https://127.0.0.1:$ES_PORT/_security/_authenticate" 2>/dev/null && return 0
  local answer
  if ! answer=$(es_curl_secure -X POST -H 'Content-Type: application/json' "https://127.0.0.1:$ES_PORT/_security/api_key" \
    -d '{"name":"authlog-services"}' 2>/dev/null); then
    rm -f "$SECRETS_DIR/es-api-key"
    log "elasticsearch cannot make API keys here (integ-test-zip without analysis-common): the services use user $ES_SECURE_USER"
    return 0
  fi
  (umask 077 && printf '%s' "$answer" | sed -n 's/.*"encoded":"\([^"]*\)".*/\1/p' | tr -d '\n' >"$SECRETS_DIR/es-api-key")
  [ -s "$SECRETS_DIR/es-api-key" ] || die "the Elasticsearch API key answer had no encoded key"
  log "elasticsearch API key created ($SECRETS_DIR/es-api-key)"
}
