import type { FastifyReply } from 'fastify';

/**
 * An AbortSignal that fires when the client goes away before the answer is complete, so a closed
 * browser tab stops an exact count or an export instead of letting it run on in Elasticsearch.
 */
export function requestSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client closed the connection'));
  });
  return controller.signal;
}
