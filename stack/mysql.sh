# MySQL-compatible database: reuse the MariaDB already listening, else start (or install) Debian's.
MYSQL_DATABASE=${AUTHLOG_MYSQL_DATABASE:-authlog}
MYSQL_USER=${AUTHLOG_MYSQL_USER:-authlog}
MYSQL_PASSWORD=${AUTHLOG_MYSQL_PASSWORD:-authlog}

mysql_root() { mariadb --protocol=tcp -h127.0.0.1 -P"$MYSQL_PORT" -uroot "$@"; }
mysql_healthy() { mariadb-admin --protocol=tcp -h127.0.0.1 -P"$MYSQL_PORT" -uroot ping >/dev/null 2>&1; }

mysql_start() {
  if ! port_open "$MYSQL_PORT"; then
    if ! command -v mariadbd >/dev/null 2>&1; then
      [ "$(id -u)" = 0 ] || die "no MySQL on port $MYSQL_PORT and MariaDB is not installed: run 'sudo apt-get install mariadb-server', then retry."
      log "installing mariadb-server from Debian"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
    fi
    [ "$MYSQL_PORT" = 3306 ] || die "starting MariaDB on a port other than 3306 is not supported; set AUTHLOG_MYSQL_PORT=3306 or start it yourself."
    log "starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_until 60 "MariaDB is up on $MYSQL_PORT" mysql_healthy || die "MariaDB did not answer on port $MYSQL_PORT within 60 s (see /var/log/mysql)."
  fi
  mysql_healthy || die "something listens on $MYSQL_PORT but does not answer as MySQL root without password; set AUTHLOG_MYSQL_PORT."
  # The project user owns the authlog database and the per-test databases (authlog_t_*); it is not root.
  mysql_root <<SQL
CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'127.0.0.1' IDENTIFIED BY '$MYSQL_PASSWORD';
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'localhost' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON \`${MYSQL_DATABASE}\`.* TO '$MYSQL_USER'@'127.0.0.1', '$MYSQL_USER'@'localhost';
GRANT ALL PRIVILEGES ON \`${MYSQL_DATABASE}\\_%\`.* TO '$MYSQL_USER'@'127.0.0.1', '$MYSQL_USER'@'localhost';
SQL
  # Reports bucket by the customer's time zone; SQL ground truth needs named zones (CONVERT_TZ).
  if [ "$(mysql_root -N -e 'SELECT COUNT(*) FROM mysql.time_zone_name')" = 0 ]; then
    log "loading time zone tables"
    mariadb-tzinfo-to-sql /usr/share/zoneinfo 2>/dev/null | mysql_root mysql
  fi
  # Debian's default 128 MiB buffer pool thrashes on the million-row benchmarks; the pool is dynamic.
  if [ "$(mysql_root -N -e 'SELECT @@innodb_buffer_pool_size < 1073741824')" = 1 ]; then
    mysql_root -e 'SET GLOBAL innodb_buffer_pool_size = 1073741824' && log "innodb_buffer_pool_size raised to 1 GiB"
  fi
  log "MySQL ready: database $MYSQL_DATABASE, user $MYSQL_USER on 127.0.0.1:$MYSQL_PORT"
}

# The database server is shared with the machine: we never stop a MariaDB we did not start.
mysql_stop() { :; }

mysql_status() {
  if mysql_healthy; then echo "mysql          healthy   127.0.0.1:$MYSQL_PORT (database $MYSQL_DATABASE)"
  else echo "mysql          DOWN      127.0.0.1:$MYSQL_PORT"; return 1; fi
}
