# The secured stack's local CA and certificates (openssl), and the random credentials of its users.
# Everything lives in $SECURE_DIR/{tls,secrets}; made once, kept across restarts (the engines'
# data was formatted with these credentials), removed with the folder.
TLS_DIR=$SECURE_DIR/tls
SECRETS_DIR=$SECURE_DIR/secrets

# secret <name>: prints the credential stored in $SECRETS_DIR/<name>, making a random one first.
secret() {
  local file=$SECRETS_DIR/$1
  if [ ! -s "$file" ]; then
    mkdir -p "$SECRETS_DIR" && chmod 700 "$SECRETS_DIR"
    (umask 077 && openssl rand -hex 24 | tr -d '\n' >"$file")
  fi
  cat "$file"
}

# Makes the CA, a server certificate for 127.0.0.1/localhost (every engine uses it), a client
# certificate (Kafka's optional mutual TLS) and the Java keystores Kafka reads.
secure_certs() {
  require_cmd openssl "Install it with 'sudo apt-get install openssl'."
  [ -s "$TLS_DIR/truststore.p12" ] && return 0
  require_cmd keytool "keytool comes with Java 17 or newer: 'sudo apt-get install openjdk-17-jre-headless'."
  mkdir -p "$TLS_DIR"
  (
    cd "$TLS_DIR"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=Authlog local CA" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    for name in server client; do
      openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=authlog-$name" 2>/dev/null
      printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' >"$name.ext"
      openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -out "$name.crt" -extfile "$name.ext" 2>/dev/null
      rm -f "$name.csr" "$name.ext"
    done
    local store_password
    store_password=$(secret kafka-keystore-password)
    openssl pkcs12 -export -in server.crt -inkey server.key -certfile ca.crt -name server -out keystore.p12 -passout "pass:$store_password"
    keytool -importcert -noprompt -alias ca -file ca.crt -keystore truststore.p12 -storetype PKCS12 -storepass "$store_password" >/dev/null 2>&1
    chmod 644 ca.crt server.crt client.crt
  ) || die "making the local CA and certificates failed (in $TLS_DIR)"
  log "local CA and certificates made in $TLS_DIR"
}
