/** Node's codes for a server certificate the client does not accept. */
const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const CERTIFICATE_MESSAGE = /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate has expired|Hostname\/IP does not match certificate|fingerprint does not match/i;

/** Every error in the chain: kafkajs, mysql2 and the Elasticsearch client wrap the socket's error differently. */
export function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    const next = current as { cause?: unknown; originalError?: unknown };
    current = next.cause ?? next.originalError;
  }
  return chain;
}

/** The reason the server's certificate was refused, or undefined when the failure is something else. */
export function certificateProblem(error: unknown): string | undefined {
  for (const link of errorChain(error)) {
    const { code, message } = link as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && CERTIFICATE_CODES.has(code)) return `the server's TLS certificate is not trusted (${code}${typeof message === 'string' ? `: ${message}` : ''})`;
    if (typeof message === 'string' && CERTIFICATE_MESSAGE.test(message)) return `the server's TLS certificate is not trusted (${message})`;
  }
  return undefined;
}
