# The secured broker's additions to stack/kafka/server.properties (later keys win in a properties
# file): one SASL_SSL listener for clients and for the broker itself, SCRAM-SHA-256/512 users
# formatted into the metadata, PLAIN users from the JAAS line, OAUTHBEARER with Kafka's unsecured
# JWT validator (tokens come from a command; see docs/deploy.md), TLS from the local CA. The KRaft
# controller listener stays plaintext on loopback: it serves only the controller's own protocol.
KAFKA_SCRAM_ADMIN=admin
KAFKA_SASL_USER=authlog

kafka_secure_properties() {
  local admin_password user_password store_password
  admin_password=$(secret kafka-admin-password)
  user_password=$(secret kafka-password)
  store_password=$(secret kafka-keystore-password)
  cat <<PROPS

# --- secured stack (stack/secure/kafka.sh) ---
listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN,OAUTHBEARER
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_SCRAM_ADMIN" password="$admin_password";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_USER="$user_password";
listener.name.sasl_ssl.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="$KAFKA_SCRAM_ADMIN";
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_DIR/keystore.p12
ssl.keystore.password=$store_password
ssl.truststore.type=PKCS12
ssl.truststore.location=$TLS_DIR/truststore.p12
ssl.truststore.password=$store_password
# A client may present a certificate signed by the local CA (mutual TLS); SASL still authenticates.
ssl.client.auth=requested
PROPS
}

# Arguments of `kafka-storage format` that create the SCRAM users.
kafka_secure_format_args() {
  local admin_password user_password
  admin_password=$(secret kafka-admin-password)
  user_password=$(secret kafka-password)
  printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$KAFKA_SCRAM_ADMIN,password=$admin_password]" \
    --add-scram "SCRAM-SHA-512=[name=$KAFKA_SASL_USER,password=$user_password]" \
    --add-scram "SCRAM-SHA-256=[name=$KAFKA_SASL_USER,password=$user_password]"
}
