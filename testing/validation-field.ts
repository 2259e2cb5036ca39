import { ValidationError } from '../shared/errors/validation-error.js';

/** The field a ValidationError thrown by `run` names, or undefined when `run` throws nothing. */
export function validationFieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  return undefined;
}
