# The secured Redis: TLS only (no plaintext port), the default user off, one ACL user with a random
# password. Written to a config file (mode 600) so the password never shows in `ps`.
REDIS_SECURE_USER=authlog

redis_secure_conf() {
  cat <<CONF
port 0
tls-port $REDIS_PORT
tls-cert-file $TLS_DIR/server.crt
tls-key-file $TLS_DIR/server.key
tls-ca-cert-file $TLS_DIR/ca.crt
tls-auth-clients optional
user default off
user $REDIS_SECURE_USER on >$(secret redis-password) ~* &* +@all
CONF
}

redis_cli_secure() {
  REDISCLI_AUTH=$(cat "$SECRETS_DIR/redis-password" 2>/dev/null) redis-cli --tls --cacert "$TLS_DIR/ca.crt" --user "$REDIS_SECURE_USER" -p "$REDIS_PORT" --no-auth-warning "$@"
}
