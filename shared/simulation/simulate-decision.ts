import type { AuthResult, DeniedReason, Factor, Reason, SuccessReason } from '../event/vocabulary.js';
import { DEFAULT_FACTOR_WEIGHTS, DENIED_REASON_WEIGHTS, FACTOR_BY_REASON, FRAUD_REASON_WEIGHTS, RESULT_WEIGHTS, SUCCESS_REASON_WEIGHTS } from './distributions.js';
import type { SeededRandom } from './random.js';

export interface SimulatedDecision {
  readonly result: AuthResult;
  readonly reason: Reason;
  readonly factor: Factor;
}

/** A Duo-like outcome of one authentication: result, then a reason for it, then the factor it implies. */
export function simulateDecision(random: SeededRandom): SimulatedDecision {
  const result = random.weighted(RESULT_WEIGHTS);
  const reasons = result === 'success' ? SUCCESS_REASON_WEIGHTS : result === 'fraud' ? FRAUD_REASON_WEIGHTS : DENIED_REASON_WEIGHTS;
  const reason = random.weighted<Reason>(reasons);
  const factor = random.weighted(FACTOR_BY_REASON[reason as SuccessReason | DeniedReason] ?? DEFAULT_FACTOR_WEIGHTS);
  return { result, reason, factor };
}
