import { createHash, X509Certificate } from 'node:crypto';
import { connect, type PeerCertificate } from 'node:tls';
import { ConnectionRejectedError } from '../connections/connection-rejected-error.js';
import type { ElasticsearchConnection } from './elasticsearch-connection.js';

/**
 * Turns AUTHLOG_ES_CA_FINGERPRINT into a CA the client verifies every connection against. The
 * client's own fingerprint mode turns chain verification off and compares the fingerprint of
 * whatever top certificate the server sends, which a man in the middle can copy next to a leaf
 * of its own. Here the chain is fetched once (before any credential is sent), the certificate with
 * the pinned fingerprint must have signed it, and that certificate becomes the client's `tls.ca`.
 */
export async function pinCaFingerprint(connection: ElasticsearchConnection): Promise<ElasticsearchConnection> {
  const { caFingerprint, node, ...rest } = connection.options;
  if (caFingerprint === undefined || typeof node !== 'string') return connection;
  const url = new URL(node);
  const chain = await fetchChain(url.hostname, Number(url.port === '' ? 443 : url.port));
  const wanted = normalise(caFingerprint);
  const index = chain.findIndex((certificate) => normalise(certificate.fingerprint256) === wanted);
  const ca = chain[index];
  if (ca === undefined) {
    throw new ConnectionRejectedError('elasticsearch', 'AUTHLOG_ES_CA_FINGERPRINT', `no certificate the server presents has this fingerprint (it presents ${chain.map((c) => c.fingerprint256).join(', ')})`);
  }
  // Each certificate below the pinned one must be signed by the next: a copied CA next to a foreign leaf fails here.
  for (let position = index; position > 0; position -= 1) {
    const issuer = chain[position];
    const subject = chain[position - 1];
    if (issuer === undefined || subject === undefined || !subject.verify(issuer.publicKey)) {
      throw new ConnectionRejectedError('elasticsearch', 'AUTHLOG_ES_CA_FINGERPRINT', 'the server certificate is not signed by the certificate with the pinned fingerprint');
    }
  }
  return { ...connection, options: { ...rest, node, tls: { ...(rest.tls ?? {}), ca: ca.toString() } } };
}

const normalise = (fingerprint: string) => fingerprint.replace(/:/g, '').toUpperCase();

/** The certificates the server sends, leaf first (verification off: nothing but the handshake happens). */
function fetchChain(host: string, port: number): Promise<X509Certificate[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername: host, rejectUnauthorized: false, timeout: 10_000 }, () => {
      const chain: X509Certificate[] = [];
      let current: PeerCertificate | undefined = socket.getPeerCertificate(true);
      while (current?.raw !== undefined && !chain.some((seen) => seen.raw.equals(current!.raw))) {
        chain.push(new X509Certificate(current.raw));
        const next: PeerCertificate | undefined = (current as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
        current = next === current ? undefined : next;
      }
      socket.end();
      resolve(chain);
    });
    socket.on('timeout', () => socket.destroy(new Error(`no TLS handshake with ${host}:${port} within 10 s`)));
    socket.on('error', reject);
  });
}

/** SHA-256 fingerprint as Elasticsearch prints it (colon-separated hex), for tests and docs. */
export function fingerprintOf(pem: string | Buffer): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex').toUpperCase().match(/../g)?.join(':') ?? '';
}
