# The secured MySQL: a second mariadbd of our own (its own port, data folder and socket) with TLS
# from the local CA and require_secure_transport, because the machine's shared MariaDB has SSL
# disabled and turning it on would need a restart under everyone's tests. Root is reached only
# through the unix socket; the services' user has a random password and REQUIRE SSL.
MYSQL_SECURE_DIR=$STACK_DIR/mysql

mysql_secure_root() { mariadb --no-defaults -S "$MYSQL_SECURE_DIR/mysqld.sock" -uroot "$@"; }
mysql_secure_healthy() { mariadb-admin --no-defaults -S "$MYSQL_SECURE_DIR/mysqld.sock" -uroot ping >/dev/null 2>&1; }

mysql_secure_start() {
  require_cmd mariadbd "Install it with 'sudo apt-get install mariadb-server'."
  local run_as=(--user="$(id -un)")
  if pid_alive "$MYSQL_SECURE_DIR/mysqld.pid" && mysql_secure_healthy; then
    log "secured mysql already running on $MYSQL_PORT"
  else
    require_free_port "$MYSQL_PORT" "secured mysql" AUTHLOG_SECURE_MYSQL_PORT
    secure_certs
    mkdir -p "$MYSQL_SECURE_DIR"
    if [ ! -d "$MYSQL_SECURE_DIR/data/mysql" ]; then
      log "initialising the secured MariaDB data folder"
      mariadb-install-db --no-defaults "${run_as[@]}" --datadir="$MYSQL_SECURE_DIR/data" --auth-root-authentication-method=socket \
        >"$MYSQL_SECURE_DIR/install.log" 2>&1 || die "mariadb-install-db failed, see $MYSQL_SECURE_DIR/install.log"
    fi
    # --no-defaults: the machine's /etc/mysql settings (port, socket, data folder) belong to the shared server.
    /usr/sbin/mariadbd --no-defaults "${run_as[@]}" --datadir="$MYSQL_SECURE_DIR/data" --port="$MYSQL_PORT" --bind-address=127.0.0.1 \
      --socket="$MYSQL_SECURE_DIR/mysqld.sock" --pid-file="$MYSQL_SECURE_DIR/mysqld.pid" --log-error="$MYSQL_SECURE_DIR/mysqld.log" \
      --ssl-ca="$TLS_DIR/ca.crt" --ssl-cert="$TLS_DIR/server.crt" --ssl-key="$TLS_DIR/server.key" --require-secure-transport=ON \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_bin --innodb-buffer-pool-size=128M --skip-name-resolve \
      </dev/null >/dev/null 2>&1 &
    wait_until 60 "secured mysql ready on $MYSQL_PORT (TLS required)" mysql_secure_healthy \
      || die "the secured MariaDB did not start within 60 s, see $MYSQL_SECURE_DIR/mysqld.log"
  fi
  mysql_secure_root <<SQL
CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'127.0.0.1' IDENTIFIED BY '$(secret mysql-password)' REQUIRE SSL;
GRANT ALL PRIVILEGES ON \`${MYSQL_DATABASE}\`.* TO '$MYSQL_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`${MYSQL_DATABASE}\\_%\`.* TO '$MYSQL_USER'@'127.0.0.1';
SQL
}

mysql_secure_stop() { stop_pidfile "$MYSQL_SECURE_DIR/mysqld.pid" "secured mysql" "${1:-TERM}"; }

mysql_secure_status() {
  if mysql_secure_healthy; then echo "mysql          healthy   127.0.0.1:$MYSQL_PORT (database $MYSQL_DATABASE, TLS required)"
  else echo "mysql          DOWN      127.0.0.1:$MYSQL_PORT"; return 1; fi
}
